using System.Globalization;

namespace Patchpeil.Agent.Windows;

/// <summary>The registry's value types, named as Windows names them (REG_SZ, REG_EXPAND_SZ …).</summary>
public enum RegistryValueKind
{
    None,
    Sz,
    ExpandSz,
    Binary,
    DWord,
    MultiSz,
    QWord,
    Other,
}

/// <summary>One registry value as exported: strings are decoded, numbers kept as numbers, anything else as bytes.</summary>
public sealed record RegistryValue(RegistryValueKind Kind, string? Text = null, long? Number = null, IReadOnlyList<string>? Lines = null, byte[]? Bytes = null)
{
    /// <summary>The value as a display string: text for string kinds, decimal for numbers, lines joined by newlines.</summary>
    public string? AsString() => Kind switch
    {
        RegistryValueKind.Sz or RegistryValueKind.ExpandSz => Text,
        RegistryValueKind.DWord or RegistryValueKind.QWord => Number?.ToString(CultureInfo.InvariantCulture),
        RegistryValueKind.MultiSz => Lines is null ? null : string.Join('\n', Lines),
        _ => null,
    };

    /// <summary>Numbers as numbers; a decimal string is accepted too, because some installers write DWORD-ish values as REG_SZ.</summary>
    public long? AsNumber() => Kind switch
    {
        RegistryValueKind.DWord or RegistryValueKind.QWord => Number,
        RegistryValueKind.Sz when long.TryParse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}

/// <summary>
/// A read-only copy of part of the registry, built from one or more `.reg` exports. Key paths use the full hive names
/// (HKEY_LOCAL_MACHINE\…) and compare case-insensitively, like the registry itself; the short forms HKLM, HKCU, HKU,
/// HKCR and HKCC are accepted when looking up.
/// </summary>
public sealed class RegistrySnapshot
{
    private static readonly (string Short, string Long)[] Hives =
    [
        ("HKLM", "HKEY_LOCAL_MACHINE"),
        ("HKCU", "HKEY_CURRENT_USER"),
        ("HKU", "HKEY_USERS"),
        ("HKCR", "HKEY_CLASSES_ROOT"),
        ("HKCC", "HKEY_CURRENT_CONFIG"),
    ];

    private readonly Dictionary<string, Dictionary<string, RegistryValue>> _keys = new(StringComparer.OrdinalIgnoreCase);

    public int KeyCount => _keys.Count;

    public IEnumerable<string> KeyPaths => _keys.Keys;

    /// <summary>Creates the key (and nothing else: parents are implied) and returns its values for filling.</summary>
    internal Dictionary<string, RegistryValue> AddKey(string path)
    {
        path = Normalise(path);
        if (!_keys.TryGetValue(path, out var values))
        {
            values = new Dictionary<string, RegistryValue>(StringComparer.OrdinalIgnoreCase);
            _keys[path] = values;
        }

        return values;
    }

    /// <summary>A `.reg` file can delete a key ([-HKEY_…]); a snapshot of exports then forgets it and its subkeys.</summary>
    internal void RemoveKey(string path)
    {
        path = Normalise(path);
        foreach (var key in _keys.Keys.Where(k => k.Equals(path, StringComparison.OrdinalIgnoreCase) || k.StartsWith(path + "\\", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            _keys.Remove(key);
        }
    }

    /// <summary>Adds every key and value of another snapshot; later values win, as when importing files in order.</summary>
    public void Merge(RegistrySnapshot other)
    {
        foreach (var (path, values) in other._keys)
        {
            var target = AddKey(path);
            foreach (var (name, value) in values)
            {
                target[name] = value;
            }
        }
    }

    /// <summary>True when the key was exported, or when a subkey was (a subkey's presence implies its parent).</summary>
    public bool KeyExists(string path)
    {
        path = Normalise(path);
        return _keys.ContainsKey(path) || _keys.Keys.Any(k => k.StartsWith(path + "\\", StringComparison.OrdinalIgnoreCase));
    }

    public IReadOnlyDictionary<string, RegistryValue>? Values(string path) => _keys.GetValueOrDefault(Normalise(path));

    public RegistryValue? Value(string path, string name) => Values(path)?.GetValueOrDefault(name);

    public string? GetString(string path, string name) => Value(path, name)?.AsString();

    public long? GetNumber(string path, string name) => Value(path, name)?.AsNumber();

    /// <summary>Names of the direct subkeys of a key, in ordinal order so results do not depend on file order.</summary>
    public IReadOnlyList<string> SubKeyNames(string path)
    {
        var prefix = Normalise(path) + "\\";
        return _keys.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(k => k[prefix.Length..].Split('\\')[0])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    internal static string Normalise(string path)
    {
        path = path.Trim().TrimEnd('\\');
        var first = path.IndexOf('\\', StringComparison.Ordinal);
        var hive = first < 0 ? path : path[..first];
        foreach (var (shortName, longName) in Hives)
        {
            if (hive.Equals(shortName, StringComparison.OrdinalIgnoreCase))
            {
                return longName + (first < 0 ? "" : path[first..]);
            }
        }

        return path;
    }
}

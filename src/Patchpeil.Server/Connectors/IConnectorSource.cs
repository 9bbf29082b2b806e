using System.Text.Json.Nodes;

namespace Patchpeil.Server.Connectors;

/// <summary>A non-secret setting a connector kind needs, as the form shows it (labels and hints are resource keys).</summary>
/// <param name="Key">The key in <see cref="Connector.Settings"/>.</param>
public sealed record ConnectorSettingField(string Key, string LabelKey, string? HintKey = null, bool Required = true, int MaxLength = 256);

/// <summary>
/// One management platform. The framework owns everything around it (schedule, run record, credential cache,
/// retries, merging devices into assets, snapshots, errors); a source only talks to its vendor and maps the answers
/// to <see cref="ConnectorDevice"/>s, handing them over one page at a time.
/// </summary>
public interface IConnectorSource
{
    ConnectorKind Kind { get; }

    /// <summary>The production API base URL, filled in on a new connector.</summary>
    string DefaultBaseUrl { get; }

    /// <summary>The production token service URL, or null when the API issues its own tokens.</summary>
    string? DefaultAuthUrl { get; }

    IReadOnlyList<ConnectorSettingField> Settings { get; }

    /// <summary>Resource keys for the secret's label and hint (client secret, service-account JSON key, API key).</summary>
    (string LabelKey, string HintKey) Secret { get; }

    /// <summary>Gets a credential and makes one small request; returns what it saw, in plain words (for the admin).</summary>
    Task<string> TestAsync(ConnectorContext context, CancellationToken cancellationToken);

    /// <summary>Reads the devices, calling <see cref="ConnectorContext.AcceptPageAsync"/> per page; sets <see cref="ConnectorContext.NewCursor"/> for the next run.</summary>
    Task ReadAsync(ConnectorContext context, CancellationToken cancellationToken);
}

/// <summary>What a source gets for one run or test.</summary>
public sealed class ConnectorContext(Connector connector, string? secret, ConnectorHttp http, JsonObject cursor, Func<IReadOnlyList<ConnectorDevice>, CancellationToken, Task> acceptPage, TimeProvider time)
{
    private readonly List<string> _errors = [];

    /// <summary>The connector (detached); read its settings, do not change it.</summary>
    public Connector Connector => connector;

    public string? Secret => secret;

    public ConnectorHttp Http => http;

    public TimeProvider Time => time;

    /// <summary>The cursor the last good run left (empty on the first run).</summary>
    public JsonObject Cursor => cursor;

    /// <summary>The cursor to store when this run finishes without failing.</summary>
    public JsonObject NewCursor { get; } = [];

    /// <summary>Read-only information for the connector page (e.g. Intune update rings); replaces the stored one when set.</summary>
    public JsonNode? Information { get; set; }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>
    /// Set by a source after it read every device of a full (not incremental) listing: links this run did not see are
    /// then marked removed — unless so many vanished at once that an incomplete listing is likelier (then it is reported).
    /// </summary>
    public bool CompleteRead { get; set; }

    public int DevicesRead { get; private set; }

    public string Setting(string key) => connector.Settings.TryGetValue(key, out var value) ? value : "";

    public Uri BaseUri(string relative) => new(new Uri(connector.BaseUrl.TrimEnd('/') + "/"), relative.TrimStart('/'));

    public Uri AuthUri(string relative) => new(new Uri((connector.AuthUrl ?? connector.BaseUrl).TrimEnd('/') + "/"), relative.TrimStart('/'));

    /// <summary>Merges one page of devices into assets, in one transaction.</summary>
    public async Task AcceptPageAsync(IReadOnlyList<ConnectorDevice> devices, CancellationToken cancellationToken)
    {
        DevicesRead += devices.Count;
        await acceptPage(devices, cancellationToken);
    }

    /// <summary>A device (or an optional part of the read) could not be used; the run goes on and ends with warnings.</summary>
    public void Error(string message) => _errors.Add(message);

    public void DeviceError(string externalId, string message) => _errors.Add($"[connector.device] device {externalId}: {message}");
}

using System.Globalization;
using Patchpeil.Contracts;

namespace Patchpeil.Server.Inventory.Agents;

/// <summary>
/// Limits on what an agent may send. A report breaking one is refused whole, with every broken field named
/// (JSON path style, e.g. "software[12].name"), so nothing half-valid is stored.
/// </summary>
public static class ReportValidation
{
    public const int MaxNameLength = 512;
    public const int MaxVersionLength = 200;
    public const int MaxTextLength = 256;
    public const int MaxSoftware = 20_000;
    public const int MaxUpdates = 10_000;
    public const int MaxDatabases = 200;
    public const int MaxDepth = 8;
    public const int MaxErrors = 50;

    public static Dictionary<string, string[]> Validate(AgentReport report, DateTime now)
    {
        var errors = new List<(string Field, string Message)>();
        void Add(string field, string message)
        {
            if (errors.Count < MaxErrors)
            {
                errors.Add((field, message));
            }
        }

        void Text(string field, string? value, int max, bool required = false)
        {
            if (value is null || value.Length == 0)
            {
                if (required)
                {
                    Add(field, "is required.");
                }

                return;
            }

            if (value.Length > max)
            {
                Add(field, string.Create(CultureInfo.InvariantCulture, $"is longer than {max} characters."));
            }
            else if (value.Any(char.IsControl))
            {
                // PostgreSQL cannot store NUL, and no package name has control characters.
                Add(field, "contains control characters.");
            }
        }

        void Items(string field, IReadOnlyList<InstalledItem>? items, int max)
        {
            if (items is null)
            {
                Add(field, "is required.");
                return;
            }

            if (items.Count > max)
            {
                Add(field, string.Create(CultureInfo.InvariantCulture, $"has {items.Count} items; at most {max} are accepted."));
                return;
            }

            for (var i = 0; i < items.Count && errors.Count < MaxErrors; i++)
            {
                var item = items[i];
                var at = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
                if (item is null)
                {
                    Add(at, "is null.");
                    continue;
                }

                Text(at + ".source", item.Source, 32, required: true);
                Text(at + ".name", item.Name, MaxNameLength, required: true);
                if (item.Version is null)
                {
                    Add(at + ".version", "is required (may be empty).");
                }

                Text(at + ".version", item.Version, MaxVersionLength);
                Text(at + ".publisher", item.Publisher, MaxNameLength);
                Text(at + ".architecture", item.Architecture, 32);
                Text(at + ".sourcePackage", item.SourcePackage, MaxNameLength);
                Text(at + ".sourceVersion", item.SourceVersion, MaxVersionLength);
            }
        }

        if (report.ReportId == Guid.Empty)
        {
            Add("reportId", "is required.");
        }

        if (report.CollectedUtc > now.AddDays(1) || report.CollectedUtc < new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc))
        {
            Add("collectedUtc", "is not a plausible time.");
        }

        Text("agentVersion", report.AgentVersion, 64);
        if (report.Device is null)
        {
            Add("device", "is required.");
        }
        else
        {
            Text("device.hostname", report.Device.Hostname, 253, required: true);
            Text("device.hardwareUuid", report.Device.HardwareUuid, 128);
            Text("device.serialNumber", report.Device.SerialNumber, 128);
            Text("device.machineId", report.Device.MachineId, 128);
        }

        if (report.OperatingSystem is not { } os)
        {
            Add("operatingSystem", "is required.");
        }
        else
        {
            Text("operatingSystem.family", os.Family, 16, required: true);
            Text("operatingSystem.name", os.Name, MaxTextLength, required: true);
            Text("operatingSystem.edition", os.Edition, MaxTextLength);
            Text("operatingSystem.version", os.Version, MaxTextLength);
            Text("operatingSystem.build", os.Build, MaxTextLength);
            Text("operatingSystem.distributionId", os.DistributionId, 64);
            Text("operatingSystem.distributionVersion", os.DistributionVersion, 64);
            Text("operatingSystem.kernel", os.Kernel, MaxTextLength);
        }

        Items("software", report.Software, MaxSoftware);
        if (report.InstalledUpdates is null)
        {
            Add("installedUpdates", "is required.");
        }
        else if (report.InstalledUpdates.Count > MaxUpdates)
        {
            Add("installedUpdates", string.Create(CultureInfo.InvariantCulture, $"has more than {MaxUpdates} items."));
        }
        else
        {
            for (var i = 0; i < report.InstalledUpdates.Count; i++)
            {
                Text(string.Create(CultureInfo.InvariantCulture, $"installedUpdates[{i}]"), report.InstalledUpdates[i], 64, required: true);
            }
        }

        if (report.PendingUpdates is null)
        {
            Add("pendingUpdates", "is required.");
        }
        else if (report.PendingUpdates.Count > MaxUpdates)
        {
            Add("pendingUpdates", string.Create(CultureInfo.InvariantCulture, $"has more than {MaxUpdates} items."));
        }
        else
        {
            for (var i = 0; i < report.PendingUpdates.Count && errors.Count < MaxErrors; i++)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"pendingUpdates[{i}]");
                var update = report.PendingUpdates[i];
                if (update is null)
                {
                    Add(at, "is null.");
                    continue;
                }

                Text(at + ".name", update.Name, MaxNameLength, required: true);
                Text(at + ".installedVersion", update.InstalledVersion, MaxVersionLength);
                Text(at + ".availableVersion", update.AvailableVersion, MaxVersionLength);
                Text(at + ".origin", update.Origin, MaxTextLength);
                Text(at + ".severity", update.Severity, 32);
            }
        }

        if (report.Databases is null)
        {
            Add("databases", "is required.");
        }
        else if (report.Databases.Count > MaxDatabases)
        {
            Add("databases", string.Create(CultureInfo.InvariantCulture, $"has more than {MaxDatabases} items."));
        }
        else
        {
            for (var i = 0; i < report.Databases.Count; i++)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"databases[{i}]");
                if (report.Databases[i] is not { } database)
                {
                    Add(at, "is null.");
                    continue;
                }

                Text(at + ".engine", database.Engine, 64, required: true);
                Text(at + ".version", database.Version, MaxVersionLength);
                Text(at + ".evidence", database.Evidence, MaxTextLength);
            }
        }

        switch (report.Full, report.Delta)
        {
            case (true, not null):
                Add("delta", "must be absent on a full report.");
                break;
            case (false, null):
                Add("delta", "is required when full is false.");
                break;
            case (false, { } delta):
                Text("delta.baseInventoryHash", delta.BaseInventoryHash, 64, required: true);
                Items("delta.removedSoftware", delta.RemovedSoftware, MaxSoftware);
                break;
        }

        return errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
    }

    /// <summary>Placeholder values firmware ships instead of a real identity; they would merge unrelated machines.</summary>
    public static string? RealIdentity(string? value)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v))
        {
            return null;
        }

        var lower = v.ToLowerInvariant();
        string[] junk = ["to be filled by o.e.m.", "default string", "system serial number", "not specified", "none", "0", "123456789", "03000200-0400-0500-0006-000700080009"];
        return junk.Contains(lower) || lower.All(c => c is '0' or '-' or 'f') ? null : lower;
    }
}

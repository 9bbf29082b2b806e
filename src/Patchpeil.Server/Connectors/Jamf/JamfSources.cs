using System.Globalization;

namespace Patchpeil.Server.Connectors.Jamf;

/// <summary>
/// Jamf Pro and Jamf School as connector kinds: the framework keeps the schedule, the encrypted secret, the run record
/// and the merge into assets; these adapters run the Jamf clients (which take a base URL and an HttpClient) on the
/// framework's HTTP client and hand the devices over in pages. The clients read a whole listing before the merge, so a
/// run never half-merges a page that failed to parse.
/// </summary>
public abstract class JamfSourceBase(IHttpClientFactory factory) : IConnectorSource
{
    private const int MergePage = 200;

    public abstract ConnectorKind Kind { get; }

    public abstract string DefaultBaseUrl { get; }

    public string? DefaultAuthUrl => null;

    public abstract IReadOnlyList<ConnectorSettingField> Settings { get; }

    public abstract (string LabelKey, string HintKey) Secret { get; }

    protected HttpClient Client() => factory.CreateClient(ConnectorHttp.ClientName);

    protected static string RequireSecret(ConnectorContext context) =>
        string.IsNullOrEmpty(context.Secret) ? throw new ConnectorConfigurationException("[connector.secret] no secret is stored for this connector") : context.Secret;

    protected static Uri BaseUrl(ConnectorContext context) => new(context.Connector.BaseUrl.TrimEnd('/') + "/");

    protected abstract Task<string> TestClientAsync(ConnectorContext context, CancellationToken cancellationToken);

    protected abstract Task<ConnectorReadResult> ReadClientAsync(ConnectorContext context, CancellationToken cancellationToken);

    public async Task<string> TestAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await TestClientAsync(context, cancellationToken);
        }
        catch (JamfRequestException e)
        {
            throw new ConnectorException(e.Request, "connector.http", e.Reason, e.Status);
        }
    }

    public async Task ReadAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ConnectorReadResult result;
        try
        {
            result = await ReadClientAsync(context, cancellationToken);
        }
        catch (JamfRequestException e)
        {
            throw new ConnectorException(e.Request, "connector.http", e.Reason, e.Status);
        }

        foreach (var problem in result.Problems)
        {
            context.Error(problem);
        }

        for (var i = 0; i < result.Devices.Count; i += MergePage)
        {
            await context.AcceptPageAsync([.. result.Devices.Skip(i).Take(MergePage)], cancellationToken);
        }

        // Devices missing from an incomplete listing are not taken as removed.
        context.CompleteRead = result.Complete;
        context.NewCursor["lastReadUtc"] = context.Time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
    }
}

/// <summary>Jamf Pro: API client id (setting) and client secret (the encrypted secret); base URL = the Jamf Pro server.</summary>
public sealed class JamfProSource(IHttpClientFactory factory) : JamfSourceBase(factory)
{
    public const string ClientIdKey = "clientId";

    public override ConnectorKind Kind => ConnectorKind.JamfPro;

    public override string DefaultBaseUrl => "https://school.jamfcloud.com";

    public override IReadOnlyList<ConnectorSettingField> Settings { get; } =
        [new(ClientIdKey, "Connectors_JamfPro_ClientId", "Connectors_JamfPro_ClientIdHint")];

    public override (string LabelKey, string HintKey) Secret => ("Connectors_JamfPro_Secret", "Connectors_JamfPro_SecretHint");

    private JamfProClient Create(ConnectorContext context) =>
        new(Client(), BaseUrl(context), context.Setting(ClientIdKey), RequireSecret(context), context.Time, counter: context.Http);

    protected override async Task<string> TestClientAsync(ConnectorContext context, CancellationToken cancellationToken) =>
        "token OK; " + await Create(context).TestConnectionAsync(cancellationToken);

    protected override Task<ConnectorReadResult> ReadClientAsync(ConnectorContext context, CancellationToken cancellationToken) =>
        Create(context).ReadDevicesAsync(cancellationToken);
}

/// <summary>Jamf School: network ID (setting) and API key (the encrypted secret); base URL = https://{school}.jamfcloud.com/api.</summary>
public sealed class JamfSchoolSource(IHttpClientFactory factory) : JamfSourceBase(factory)
{
    public const string NetworkIdKey = "networkId";

    public override ConnectorKind Kind => ConnectorKind.JamfSchool;

    public override string DefaultBaseUrl => "https://school.jamfcloud.com/api";

    public override IReadOnlyList<ConnectorSettingField> Settings { get; } =
        [new(NetworkIdKey, "Connectors_JamfSchool_NetworkId", "Connectors_JamfSchool_NetworkIdHint")];

    public override (string LabelKey, string HintKey) Secret => ("Connectors_JamfSchool_Secret", "Connectors_JamfSchool_SecretHint");

    private JamfSchoolClient Create(ConnectorContext context) =>
        new(Client(), BaseUrl(context), context.Setting(NetworkIdKey), RequireSecret(context), context.Time, counter: context.Http);

    protected override async Task<string> TestClientAsync(ConnectorContext context, CancellationToken cancellationToken) =>
        "API key OK; " + await Create(context).TestConnectionAsync(cancellationToken);

    protected override Task<ConnectorReadResult> ReadClientAsync(ConnectorContext context, CancellationToken cancellationToken) =>
        Create(context).ReadDevicesAsync(cancellationToken);
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Patchpeil.Contracts;

/// <summary>
/// A typed client for the Patchpeil API (/api/v1). Give it an <see cref="HttpClient"/> with the base address and an API
/// token, and optionally JSON options whose resolver knows the types used (a trimmed program, such as the agent, passes
/// its source-generated context; the default is <see cref="JsonOptions"/>, which uses reflection).
/// </summary>
public sealed class PatchpeilClient(HttpClient http, JsonSerializerOptions? jsonOptions = null)
{
    private readonly JsonSerializerOptions _json = jsonOptions ?? JsonOptions;

    /// <summary>JSON options matching the server: camelCase, enums as strings.</summary>
    public static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    /// <summary>The organisations the caller belongs to.</summary>
    public async Task<PagedResult<OrganisationDto>> GetOrganisationsAsync(CancellationToken cancellationToken = default) =>
        await GetAsync<PagedResult<OrganisationDto>>("/api/v1/organisations", cancellationToken);

    /// <summary>One page of schools.</summary>
    public async Task<PagedResult<SchoolDto>> GetSchoolsAsync(int page = 1, int pageSize = 25, CancellationToken cancellationToken = default) =>
        await GetAsync<PagedResult<SchoolDto>>(string.Create(CultureInfo.InvariantCulture, $"/api/v1/schools?page={page}&pageSize={pageSize}"), cancellationToken);

    /// <summary>Creates a school.</summary>
    public Task<SchoolDto> CreateSchoolAsync(SchoolInput input, CancellationToken cancellationToken = default) =>
        SendAsync<SchoolDto>(HttpMethod.Post, "/api/v1/schools", input, cancellationToken);

    /// <summary>Changes a school.</summary>
    public Task<SchoolDto> UpdateSchoolAsync(Guid id, SchoolInput input, CancellationToken cancellationToken = default) =>
        SendAsync<SchoolDto>(HttpMethod.Put, $"/api/v1/schools/{id}", input, cancellationToken);

    /// <summary>Deletes a school that has no locations or assets.</summary>
    public Task DeleteSchoolAsync(Guid id, CancellationToken cancellationToken = default) => DeleteAsync($"/api/v1/schools/{id}", cancellationToken);

    /// <summary>One page of locations, optionally of one school.</summary>
    public async Task<PagedResult<LocationDto>> GetLocationsAsync(Guid? schoolId = null, int page = 1, int pageSize = 25, CancellationToken cancellationToken = default) =>
        await GetAsync<PagedResult<LocationDto>>(string.Create(CultureInfo.InvariantCulture, $"/api/v1/locations?page={page}&pageSize={pageSize}{(schoolId is null ? "" : $"&schoolId={schoolId}")}"), cancellationToken);

    /// <summary>Creates a location.</summary>
    public Task<LocationDto> CreateLocationAsync(LocationInput input, CancellationToken cancellationToken = default) =>
        SendAsync<LocationDto>(HttpMethod.Post, "/api/v1/locations", input, cancellationToken);

    /// <summary>Deletes a location without assets.</summary>
    public Task DeleteLocationAsync(Guid id, CancellationToken cancellationToken = default) => DeleteAsync($"/api/v1/locations/{id}", cancellationToken);

    /// <summary>One page of assets with search, filters and sorting; <paramref name="notSeenDays"/> keeps devices whose last check-in is older than that many days.</summary>
    public async Task<PagedResult<AssetDto>> GetAssetsAsync(
        string? q = null, Guid? schoolId = null, AssetKind? kind = null, BivLevel? criticality = null,
        string? sort = null, bool descending = false, int page = 1, int pageSize = 25, int? notSeenDays = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { string.Create(CultureInfo.InvariantCulture, $"page={page}"), string.Create(CultureInfo.InvariantCulture, $"pageSize={pageSize}") };
        if (q is not null)
        {
            query.Add("q=" + Uri.EscapeDataString(q));
        }

        if (schoolId is not null)
        {
            query.Add($"schoolId={schoolId}");
        }

        if (kind is not null)
        {
            query.Add($"kind={kind}");
        }

        if (criticality is not null)
        {
            query.Add($"criticality={criticality}");
        }

        if (sort is not null)
        {
            query.Add("sort=" + Uri.EscapeDataString(sort));
        }

        if (descending)
        {
            query.Add("desc=true");
        }

        if (notSeenDays is not null)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"notSeenDays={notSeenDays}"));
        }

        return await GetAsync<PagedResult<AssetDto>>("/api/v1/assets?" + string.Join('&', query), cancellationToken);
    }

    /// <summary>One asset.</summary>
    public Task<AssetDto> GetAssetAsync(Guid id, CancellationToken cancellationToken = default) => GetAsync<AssetDto>($"/api/v1/assets/{id}", cancellationToken);

    /// <summary>Creates an asset.</summary>
    public Task<AssetDto> CreateAssetAsync(AssetInput input, CancellationToken cancellationToken = default) =>
        SendAsync<AssetDto>(HttpMethod.Post, "/api/v1/assets", input, cancellationToken);

    /// <summary>Changes an asset.</summary>
    public Task<AssetDto> UpdateAssetAsync(Guid id, AssetInput input, CancellationToken cancellationToken = default) =>
        SendAsync<AssetDto>(HttpMethod.Put, $"/api/v1/assets/{id}", input, cancellationToken);

    /// <summary>Deletes an asset.</summary>
    public Task DeleteAssetAsync(Guid id, CancellationToken cancellationToken = default) => DeleteAsync($"/api/v1/assets/{id}", cancellationToken);

    /// <summary>Exchanges an enrollment secret for a device key (no API token needed).</summary>
    public Task<AgentEnrollResponse> EnrollAgentAsync(AgentEnrollRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<AgentEnrollResponse>(HttpMethod.Post, "/api/v1/agent/enroll", request, cancellationToken);

    /// <summary>Sends an agent report; the HttpClient must carry the device key as its bearer token.</summary>
    public Task<AgentReportResult> SendAgentReportAsync(AgentReport report, CancellationToken cancellationToken = default) =>
        SendAsync<AgentReportResult>(HttpMethod.Post, "/api/v1/agent/reports", report, cancellationToken);

    /// <summary>Creates an enrollment secret (administrators); the answer holds the secret, shown this once.</summary>
    public Task<EnrollmentSecretDto> CreateEnrollmentSecretAsync(EnrollmentSecretInput input, CancellationToken cancellationToken = default) =>
        SendAsync<EnrollmentSecretDto>(HttpMethod.Post, "/api/v1/agent/enrollment-secrets", input, cancellationToken);

    /// <summary>Revokes an enrollment secret; devices already enrolled keep working.</summary>
    public Task<EnrollmentSecretDto> RevokeEnrollmentSecretAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<EnrollmentSecretDto>(HttpMethod.Post, $"/api/v1/agent/enrollment-secrets/{id}/revoke", new { }, cancellationToken);

    /// <summary>The enrolled devices.</summary>
    public Task<List<AgentDeviceDto>> GetAgentDevicesAsync(CancellationToken cancellationToken = default) =>
        GetAsync<List<AgentDeviceDto>>("/api/v1/agent/devices", cancellationToken);

    /// <summary>Revokes a device: its key stops working and it cannot enroll again.</summary>
    public Task<AgentDeviceDto> RevokeAgentDeviceAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<AgentDeviceDto>(HttpMethod.Post, $"/api/v1/agent/devices/{id}/revoke", new { }, cancellationToken);

    /// <summary>Asks a device to send a full report next time.</summary>
    public Task<AgentDeviceDto> RequestFullReportAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<AgentDeviceDto>(HttpMethod.Post, $"/api/v1/agent/devices/{id}/request-full", new { }, cancellationToken);

    /// <summary>One page of findings. <paramref name="filters"/> is a query string of the list filters (e.g. "priority=P1&amp;overdue=true&amp;active=true").</summary>
    public Task<PagedResult<FindingDto>> GetFindingsAsync(string? filters = null, int page = 1, int pageSize = 25, CancellationToken cancellationToken = default) =>
        GetAsync<PagedResult<FindingDto>>(string.Create(CultureInfo.InvariantCulture, $"/api/v1/findings?page={page}&pageSize={pageSize}{(string.IsNullOrEmpty(filters) ? "" : "&" + filters)}"), cancellationToken);

    /// <summary>One finding with its explanation and state history.</summary>
    public Task<FindingDetailDto> GetFindingAsync(Guid id, CancellationToken cancellationToken = default) => GetAsync<FindingDetailDto>($"/api/v1/findings/{id}", cancellationToken);

    /// <summary>Findings grouped <paramref name="by"/> advisory, asset or product.</summary>
    public Task<PagedResult<FindingGroupDto>> GetFindingGroupsAsync(string by, string? filters = null, CancellationToken cancellationToken = default) =>
        GetAsync<PagedResult<FindingGroupDto>>($"/api/v1/findings/groups/{Uri.EscapeDataString(by)}{(string.IsNullOrEmpty(filters) ? "" : "?" + filters)}", cancellationToken);

    /// <summary>Dashboard counts of open findings.</summary>
    public Task<FindingCountsDto> GetFindingCountsAsync(string? filters = null, CancellationToken cancellationToken = default) =>
        GetAsync<FindingCountsDto>($"/api/v1/findings/counts{(string.IsNullOrEmpty(filters) ? "" : "?" + filters)}", cancellationToken);

    /// <summary>A lifecycle transition: start, verify, accept-risk, approve-risk, reject-risk, not-affected, false-positive or reopen.</summary>
    public Task<FindingDetailDto> TransitionFindingAsync(Guid id, string action, FindingTransitionInput? input = null, CancellationToken cancellationToken = default) =>
        SendAsync<FindingDetailDto>(HttpMethod.Post, $"/api/v1/findings/{id}/{Uri.EscapeDataString(action)}", input ?? new FindingTransitionInput(), cancellationToken);

    /// <summary>The same transition for many findings, all or nothing (a refusal throws with the per-finding errors).</summary>
    public Task<FindingBulkResult> BulkFindingsAsync(FindingBulkInput input, CancellationToken cancellationToken = default) =>
        SendAsync<FindingBulkResult>(HttpMethod.Post, "/api/v1/findings/bulk", input, cancellationToken);

    /// <summary>The patch policy in effect and all its versions.</summary>
    public Task<PatchPolicyOverview> GetPolicyAsync(CancellationToken cancellationToken = default) =>
        GetAsync<PatchPolicyOverview>("/api/v1/policy", cancellationToken);

    /// <summary>Saves a new draft version of the patch policy (administrators); it is not in effect until approved.</summary>
    public Task<PatchPolicyVersionDto> CreatePolicyDraftAsync(PatchPolicyInput input, CancellationToken cancellationToken = default) =>
        SendAsync<PatchPolicyVersionDto>(HttpMethod.Post, "/api/v1/policy/versions", input, cancellationToken);

    /// <summary>Approves a draft (administrators): it becomes the policy in effect.</summary>
    public Task<PatchPolicyVersionDto> ApprovePolicyAsync(Guid id, PolicyApprovalInput input, CancellationToken cancellationToken = default) =>
        SendAsync<PatchPolicyVersionDto>(HttpMethod.Post, $"/api/v1/policy/versions/{id}/approve", input, cancellationToken);

    // Reflection-based metadata for callers that are not trimmed (the server, tests, scripts). A trimmed program never
    // reaches it: it passes its own source-generated options to the constructor.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Trimmed callers pass source-generated options.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Trimmed callers pass source-generated options.")]
    private static JsonSerializerOptions CreateJsonOptions() =>
        new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() }, TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body, _json.GetTypeInfo(body.GetType())) };
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await PatchpeilApiException.FromAsync(response, cancellationToken);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await PatchpeilApiException.FromAsync(response, cancellationToken);
        }

        return (await response.Content.ReadFromJsonAsync((JsonTypeInfo<T>)_json.GetTypeInfo(typeof(T)), cancellationToken))!;
    }
}

/// <summary>An API call that did not succeed, with the server's ProblemDetails text.</summary>
public sealed class PatchpeilApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PatchpeilApiException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    /// <summary>Creates the exception.</summary>
    public PatchpeilApiException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public PatchpeilApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PatchpeilApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>How long the server asks the caller to wait (429, 503), when it said so.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    internal static async Task<PatchpeilApiException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new PatchpeilApiException((int)response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}: {body}")
        {
            RetryAfter = response.Headers.RetryAfter?.Delta,
        };
    }
}

namespace Patchpeil.Server.Data;

/// <summary>
/// Who is acting and in which organisation, for one request, job or command.
/// The DbContext reads it for the tenant filter and the audit log.
/// </summary>
public sealed class RequestContext
{
    public Guid? OrganisationId { get; private set; }
    public Guid? UserId { get; private set; }
    public string Actor { get; private set; } = "anonymous";

    /// <summary>True for the command line and background jobs, which work across organisations on purpose.</summary>
    public bool IsSystem { get; private set; }

    /// <summary>True when an API token authenticated the request: bound to one organisation and role.</summary>
    public bool ViaToken { get; private set; }

    public void SetUser(Guid userId, string actor, Guid? organisationId, bool viaToken = false)
    {
        ViaToken = viaToken;
        UserId = userId;
        Actor = actor;
        OrganisationId = organisationId;
        IsSystem = false;
    }

    public void SetOrganisation(Guid? organisationId) => OrganisationId = organisationId;

    public void SetAnonymous(string actor)
    {
        UserId = null;
        Actor = actor;
        OrganisationId = null;
        IsSystem = false;
    }

    public void SetSystem(string actor)
    {
        UserId = null;
        Actor = actor;
        OrganisationId = null;
        IsSystem = true;
    }
}

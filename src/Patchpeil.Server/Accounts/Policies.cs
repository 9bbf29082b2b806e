using Patchpeil.Contracts;

namespace Patchpeil.Server.Accounts;

/// <summary>Every page and endpoint names one of these.</summary>
public static class Policies
{
    /// <summary>Any member of the current organisation: dashboards, lists, details.</summary>
    public const string Read = "Read";

    /// <summary>IT staff and administrators: create, change, delete records.</summary>
    public const string Write = "Write";

    /// <summary>Administrators: users, tokens, settings.</summary>
    public const string Admin = "Admin";

    /// <summary>Administrators and auditors: the audit log.</summary>
    public const string Audit = "Audit";

    public static readonly Role[] ReadRoles = [Role.Administrator, Role.ITStaff, Role.Management, Role.Auditor];
    public static readonly Role[] WriteRoles = [Role.Administrator, Role.ITStaff];
    public static readonly Role[] AdminRoles = [Role.Administrator];
    public static readonly Role[] AuditRoles = [Role.Administrator, Role.Auditor];
}

public static class PatchpeilClaims
{
    public const string Organisation = "pp_org";
    public const string AuthMethod = "pp_auth";
    public const string TokenAuth = "token";
}

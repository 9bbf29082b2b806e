using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Policy;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Pages.Policy;

/// <summary>
/// Instellingen → Patchbeleid: the policy in effect, its versions and what changed. Every member reads it;
/// administrators save a draft and approve it (the page answers 403 to anyone else who posts).
/// </summary>
public sealed class IndexModel(PatchpeilDbContext db, IEnumerable<IPolicyChangeListener> listeners, TimeProvider time, IStringLocalizer<SharedResource> text) : PatchpeilPageModel(text)
{
    public PatchPolicyOverview Overview { get; private set; } = null!;

    [BindProperty]
    public PolicyForm Input { get; set; } = new();

    [BindProperty]
    public string? Reference { get; set; }

    public Guid? ApproveId { get; private set; }

    public static IReadOnlyList<string> Priorities { get; } = ["P1", "P2", "P3", "P4"];

    public async Task OnGetAsync()
    {
        await LoadAsync();
        Input = PolicyForm.From(Overview.Versions.Count > 0 ? Overview.Versions[0] : Overview.InEffect);
    }

    public async Task<IActionResult> OnPostDraftAsync()
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        ModelState.Clear();
        var input = Input.ToInput(ModelState, Text);
        if (input is not null)
        {
            var errors = PatchPolicyRules.Validate(input);
            AddErrors(errors);
            if (errors.IsValid)
            {
                var version = await PatchPolicyRules.CreateDraftAsync(db, input, time.GetUtcNow().UtcDateTime, HttpContext.RequestAborted);
                TempData["Notice"] = Text["Policy_DraftSaved", version.Version].Value;
                return Redirect("/settings/policy");
            }
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid versionId)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        ModelState.Clear();
        var (outcome, version, errors) = await PatchPolicyRules.ApproveAsync(db, listeners, versionId, new PolicyApprovalInput(Reference), time.GetUtcNow().UtcDateTime, HttpContext.RequestAborted);
        if (outcome == PatchPolicyRules.ApprovalOutcome.NotFound)
        {
            return NotFound();
        }

        if (outcome == PatchPolicyRules.ApprovalOutcome.Approved)
        {
            TempData["Notice"] = Text["Policy_Approved", version!.Version].Value;
            return Redirect("/settings/policy");
        }

        foreach (var (field, key) in errors.All)
        {
            ModelState.AddModelError(field, Text[key]);
        }

        ApproveId = versionId;
        await LoadAsync();
        Input = PolicyForm.From(Overview.Versions.Count > 0 ? Overview.Versions[0] : Overview.InEffect);
        return Page();
    }

    public int DaysFor(PatchPolicyVersionDto v, string priority) => priority switch
    {
        "P1" => v.P1Days,
        "P2" => v.P2Days,
        "P3" => v.P3Days,
        _ => v.P4Days,
    };

    /// <summary>What changed against the version before it (the defaults for version 1).</summary>
    public IReadOnlyList<(string Field, string Before, string After)> ChangesOf(PatchPolicyVersionDto v)
    {
        var previous = Overview.Versions.Where(x => x.Version < v.Version).MaxBy(x => x.Version) ?? PatchPolicyRules.DefaultDto(false);
        return PatchPolicyRules.Changes(previous, v);
    }

    public bool CanApprove(PatchPolicyVersionDto v) => IsAdmin && !v.Approved && v.Version > Overview.InEffect.Version;

    private async Task LoadAsync() => Overview = await PatchPolicyRules.OverviewAsync(db, HttpContext.RequestAborted);
}

/// <summary>The edit form as typed: numbers as text, so a typo comes back with the user's input and a message beside the field.</summary>
public sealed class PolicyForm
{
    public string? UrgentHours { get; set; }
    public string? P1Days { get; set; }
    public string? P2Days { get; set; }
    public string? P3Days { get; set; }
    public string? P4Days { get; set; }
    public string? EndOfSupportPlanDays { get; set; }

    /// <summary>One per line: "P1 Server 3".</summary>
    public string? Overrides { get; set; }

    /// <summary>"12, 6, 3".</summary>
    public string? EndOfSupportWarningMonths { get; set; }

    public string? MaxRiskAcceptanceMonths { get; set; }
    public string? Scope { get; set; }

    public static PolicyForm From(PatchPolicyVersionDto v) => new()
    {
        UrgentHours = Num(v.UrgentHours),
        P1Days = Num(v.P1Days),
        P2Days = Num(v.P2Days),
        P3Days = Num(v.P3Days),
        P4Days = Num(v.P4Days),
        EndOfSupportPlanDays = Num(v.EndOfSupportPlanDays),
        Overrides = string.Join('\n', v.Overrides.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Priority} {o.AssetKind} {o.Days}"))),
        EndOfSupportWarningMonths = string.Join(", ", v.EndOfSupportWarningMonths.Select(Num)),
        MaxRiskAcceptanceMonths = Num(v.MaxRiskAcceptanceMonths),
        Scope = v.Scope,
    };

    /// <summary>The API input, or null after adding an error beside each field that is not a number or a readable line.</summary>
    public PatchPolicyInput? ToInput(Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary state, IStringLocalizer text)
    {
        var ok = true;
        int? Int(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null; // the validation says "required"
            }

            if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            state.AddModelError($"Input.{field}", text["Validation_Policy_Number"]);
            ok = false;
            return null;
        }

        var months = new List<int>();
        foreach (var part in (EndOfSupportWarningMonths ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m))
            {
                months.Add(m);
            }
            else
            {
                state.AddModelError("Input.EndOfSupportWarningMonths", text["Validation_Policy_WarningMonths"]);
                ok = false;
                break;
            }
        }

        var overrides = new List<DeadlineOverrideDto>();
        var lines = (Overrides ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            if (parts.Length != 3 || !Enum.TryParse<AssetKind>(parts[1], ignoreCase: true, out var kind) || !Enum.IsDefined(kind)
                || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var days))
            {
                state.AddModelError("Input.Overrides", text["Validation_Policy_OverrideLine", i + 1]);
                ok = false;
                continue;
            }

            overrides.Add(new DeadlineOverrideDto(parts[0], kind, days));
        }

        var input = new PatchPolicyInput(Int(nameof(UrgentHours), UrgentHours), Int(nameof(P1Days), P1Days), Int(nameof(P2Days), P2Days), Int(nameof(P3Days), P3Days),
            Int(nameof(P4Days), P4Days), Int(nameof(EndOfSupportPlanDays), EndOfSupportPlanDays), overrides, months, Int(nameof(MaxRiskAcceptanceMonths), MaxRiskAcceptanceMonths), Scope);
        return ok ? input : null;
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.Localization;

namespace Patchpeil.Server.Web;

/// <summary>
/// One form field the GOV.UK/NL Design System way: label, optional hint, the error beside the field, the input with
/// aria-describedby and aria-invalid, and the user's input kept after a failed submit.
/// </summary>
[HtmlTargetElement("pp-field", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldTagHelper(IStringLocalizer<SharedResource> text) : TagHelper
{
    [HtmlAttributeName("for")]
    public required Microsoft.AspNetCore.Mvc.ViewFeatures.ModelExpression For { get; set; }

    public required string Label { get; set; }

    public string? Hint { get; set; }

    /// <summary>text, email, password, search, textarea, select or checkbox.</summary>
    public string Type { get; set; } = "text";

    public IEnumerable<SelectListItem>? Items { get; set; }

    public string? Autocomplete { get; set; }

    public bool Required { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var id = TagBuilder.CreateSanitizedId(name, "_");
        var state = ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) ? entry : null;
        var errors = state?.Errors.Select(e => e.ErrorMessage).Where(m => m.Length > 0).ToList() ?? [];
        var value = state?.AttemptedValue ?? Format(For.Model);
        var describedBy = new List<string>();

        var html = new HtmlContentBuilder();
        html.AppendHtml($"<div class=\"field{(errors.Count > 0 ? " field--error" : "")}\">");
        if (Type == "checkbox")
        {
            var isChecked = state?.AttemptedValue is { } attempted ? attempted.StartsWith("true", StringComparison.OrdinalIgnoreCase) : For.Model is true;
            var hint = Hint is null ? "" : $" aria-describedby=\"{id}-hint\"";
            html.AppendHtml($"<input type=\"checkbox\" id=\"{id}\" name=\"{Enc(name)}\" value=\"true\"{(isChecked ? " checked" : "")}{hint}>");
            if (Hint is not null)
            {
                html.AppendHtml($"<p class=\"hint\" id=\"{id}-hint\">{Enc(Hint)}</p>");
            }

            html.AppendHtml($"<label for=\"{id}\" class=\"checkbox-label\">{Enc(Label)}</label><input type=\"hidden\" name=\"{Enc(name)}\" value=\"false\"></div>");
            output.TagName = null;
            output.Content.SetHtmlContent(html);
            return;
        }

        html.AppendHtml($"<label for=\"{id}\">{Enc(Label)}{(Required ? "" : $" <span class=\"optional\">({Enc(text["Optional"])})</span>")}</label>");
        if (Hint is not null)
        {
            html.AppendHtml($"<p class=\"hint\" id=\"{id}-hint\">{Enc(Hint)}</p>");
            describedBy.Add($"{id}-hint");
        }

        foreach (var (error, i) in errors.Select((e, i) => (e, i)))
        {
            html.AppendHtml($"<p class=\"error-message\" id=\"{id}-error{i}\"><span class=\"visually-hidden\">{Enc(text["Error"])}:</span> {Enc(error)}</p>");
            describedBy.Add($"{id}-error{i}");
        }

        var aria = (describedBy.Count > 0 ? $" aria-describedby=\"{string.Join(' ', describedBy)}\"" : "")
            + (errors.Count > 0 ? " aria-invalid=\"true\"" : "")
            + (Required ? " required" : "")
            + (Autocomplete is not null ? $" autocomplete=\"{Enc(Autocomplete)}\"" : "");
        switch (Type)
        {
            case "select":
                html.AppendHtml($"<select id=\"{id}\" name=\"{Enc(name)}\"{aria}>");
                foreach (var item in Items ?? [])
                {
                    var selected = string.Equals(item.Value, value, StringComparison.Ordinal);
                    html.AppendHtml($"<option value=\"{Enc(item.Value)}\"{(selected ? " selected" : "")}>{Enc(item.Text)}</option>");
                }

                html.AppendHtml("</select>");
                break;
            case "textarea":
                html.AppendHtml($"<textarea id=\"{id}\" name=\"{Enc(name)}\" rows=\"3\"{aria}>{Enc(value)}</textarea>");
                break;
            default:
                html.AppendHtml($"<input type=\"{Enc(Type)}\" id=\"{id}\" name=\"{Enc(name)}\" value=\"{(Type == "password" ? "" : Enc(value))}\"{aria}>");
                break;
        }

        html.AppendHtml("</div>");
        output.TagName = null;
        output.Content.SetHtmlContent(html);
    }

    private static string Format(object? model) => model switch
    {
        null => "",
        IEnumerable<string> list => string.Join(", ", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => model.ToString() ?? "",
    };

    private static string Enc(string? value) => HtmlEncoder.Default.Encode(value ?? "");
}

/// <summary>The error summary at the top of a form: role=alert, focused by script, each error linking to its field.</summary>
[HtmlTargetElement("pp-error-summary", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ErrorSummaryTagHelper(IStringLocalizer<SharedResource> text) : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        var state = ViewContext.ViewData.ModelState;
        if (state.IsValid)
        {
            return;
        }

        var html = new HtmlContentBuilder();
        html.AppendHtml($"<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" aria-labelledby=\"error-summary-title\" data-autofocus><h2 id=\"error-summary-title\">{HtmlEncoder.Default.Encode(text["ErrorSummary_Title"])}</h2><ul>");
        foreach (var (key, entry) in state)
        {
            foreach (var error in entry.Errors)
            {
                var message = HtmlEncoder.Default.Encode(error.ErrorMessage);
                html.AppendHtml(key.Length == 0
                    ? $"<li>{message}</li>"
                    : $"<li><a href=\"#{TagBuilder.CreateSanitizedId(key, "_")}\">{message}</a></li>");
            }
        }

        html.AppendHtml("</ul></div>");
        output.Content.SetHtmlContent(html);
    }
}

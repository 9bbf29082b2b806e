using System.Globalization;

namespace Patchpeil.Server.Web;

/// <summary>Times are stored in UTC and shown in Europe/Amsterdam, in the user's culture.</summary>
public static class Display
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    public static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Amsterdam).ToString("g", CultureInfo.CurrentCulture);
}

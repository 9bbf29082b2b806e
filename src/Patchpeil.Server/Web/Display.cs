using System.Globalization;

namespace Patchpeil.Server.Web;

/// <summary>Times are stored in UTC and shown in Europe/Amsterdam, in the user's culture.</summary>
public static class Display
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    public static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Amsterdam).ToString("g", CultureInfo.CurrentCulture);

    /// <summary>The date alone, in Europe/Amsterdam and the user's culture (28-11-2026).</summary>
    public static string Date(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Amsterdam).ToString("d", CultureInfo.CurrentCulture);

    /// <summary>Whole days past a deadline, at least 1 once it has passed.</summary>
    public static int DaysLate(DateTime deadlineUtc, DateTime nowUtc) => Math.Max(1, (int)Math.Ceiling((nowUtc - deadlineUtc).TotalDays));
}

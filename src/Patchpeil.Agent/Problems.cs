namespace Patchpeil.Agent;

/// <summary>
/// Something in the recorded input that could not be read: the record it concerns is left out of the report and the
/// rest is kept. File and line say where, so an administrator can look at the input.
/// </summary>
public sealed record CollectionProblem(string File, int? Line, string Reason)
{
    public override string ToString() => Line is { } line ? $"{File}:{line}: {Reason}" : $"{File}: {Reason}";
}

/// <summary>Input that cannot be read at all (wrong format or encoding); nothing from it is used.</summary>
public sealed class InputFormatException(string file, int? line, string reason)
    : Exception(line is { } l ? $"{file}:{l}: {reason}" : $"{file}: {reason}")
{
    public string File { get; } = file;

    public int? Line { get; } = line;

    public string Reason { get; } = reason;

    public CollectionProblem ToProblem() => new(File, Line, Reason);
}

using Patchpeil.Contracts;

namespace Patchpeil.Agent;

/// <summary>A report, and what could not be read while building it (left out of the report, listed for the administrator).</summary>
public sealed record CollectionResult(AgentReport Report, IReadOnlyList<CollectionProblem> Problems);

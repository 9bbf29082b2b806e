using System.Text.Json;
using System.Text.Json.Serialization;
using Patchpeil.Contracts;

namespace Patchpeil.Agent;

/// <summary>
/// Every JSON the agent reads or writes (the report, its state files, the enrollment and check-in calls), generated at
/// compile time with the same settings as PatchpeilClient.JsonOptions (web defaults, enums as strings), so the
/// trimmed single-file agent needs no reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AgentReport))]
[JsonSerializable(typeof(Patchpeil.Agent.CheckIn.AgentState))]
[JsonSerializable(typeof(List<InstalledItem>))]
[JsonSerializable(typeof(AgentEnrollRequest))]
[JsonSerializable(typeof(AgentEnrollResponse))]
[JsonSerializable(typeof(AgentReportResult))]
public sealed partial class AgentJson : JsonSerializerContext;

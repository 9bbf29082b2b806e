using System.Text.Json;
using System.Text.Json.Serialization;
using Patchpeil.Contracts;

namespace Patchpeil.Agent;

/// <summary>
/// The report's JSON, generated at compile time with the same settings as PatchpeilClient.JsonOptions (web defaults,
/// enums as strings), so the trimmed single-file agent needs no reflection to write it.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AgentReport))]
public sealed partial class AgentJson : JsonSerializerContext;

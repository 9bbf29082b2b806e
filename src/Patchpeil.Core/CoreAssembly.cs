namespace Patchpeil.Core;

/// <summary>Anchor type for locating the Core assembly.</summary>
public static class CoreAssembly;

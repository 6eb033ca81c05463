namespace Checker.Model.State;

/// <summary>
/// Marks a field that caches a value derived from immutable data (written at most once, never
/// observable as a change). The immutability test allows exactly these fields to be non-readonly.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class DerivedCacheAttribute : Attribute;

using Checker.Model.State;

namespace Checker.Properties.Exhaustive;

/// <summary>The entry point of `explore`: runs the chosen strategy.</summary>
public static class StateSpace
{
    public static ExploreOutcome Explore(Machine m, ExploreOptions options, Action<ExploreProgress>? progress = null) =>
        options.PartialOrder && options.Strategy != Strategy.Bfs
            ? throw new ArgumentException("--por works with --strategy bfs only")
            : options.Strategy switch
        {
            Strategy.Bfs => Bfs.Run(m, options, progress),
            Strategy.Dfs => Dfs.Run(m, options, progress),
            Strategy.Random => RandomWalks.Run(m, options, progress),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
}

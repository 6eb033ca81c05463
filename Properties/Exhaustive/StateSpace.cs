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
            Strategy.Bfs => BreadthFirst(m, options, progress),
            Strategy.Dfs => Dfs.Run(m, options, progress),
            Strategy.Random => RandomWalks.Run(m, options, progress),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };

    /// <summary>
    /// Breadth-first: by parts first where the machine allows it (<see cref="Decomposition"/>,
    /// unless <see cref="ExploreOptions.Decompose"/> is off); when the parts decide nothing, the
    /// whole machine, with what is left of the time budget. The outcome's time counts both.
    /// </summary>
    public static ExploreOutcome BreadthFirst(Machine m, ExploreOptions options, Action<ExploreProgress>? progress = null)
    {
        if (!options.Decompose || Decomposition.WhyNot(m, options) is not null)
            return Bfs.Run(m, options, progress);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var parts = Decomposition.Run(m, options, clock);
        if (parts.Decided)
            return new ExploreOutcome(parts.States, parts.Transitions, parts.Depth, Complete: true, [], clock.ElapsedMilliseconds, 0, [])
            {
                Decomposition = parts,
            };
        long spent = clock.ElapsedMilliseconds;
        var rest = options.TimeBudgetSeconds is double b ? options with { TimeBudgetSeconds = Math.Max(0, b - spent / 1000.0) } : options;
        var whole = Bfs.Run(m, rest, progress);
        return whole with { Milliseconds = whole.Milliseconds + spent, Decomposition = parts };
    }
}

using System.CommandLine;
using System.Collections.Immutable;
using Checker.Model.Scenario;
using Checker.Model.State;
using Checker.Properties.Invariants;

namespace Checker.Cli.Commands;

/// <summary>Arguments and options shared by several commands, and their parsing into model values.</summary>
public static partial class CommonOptions
{
    public static Argument<string> Scenario() => new("scenario") { Description = "Scenario file (YAML), e.g. scenarios/hisilicon-d05-builtin.yaml" };

    public static Option<string[]> Variant() => new("--variant")
    {
        Description = "Policy variant KEY=VALUE, repeatable. Keys and values (default first): "
            + string.Join("; ", Variants.Keys.Select(k => $"{k.Key}: {string.Join("|", k.Values)}")),
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<string?> Kernel() => new("--kernel")
    {
        Description = "Kernel era whose rules the run follows, overriding the scenario's kernel.version: "
            + string.Join(" or ", KernelEras.All.Select(e => e.Version)) + " (docs/semantics.md, Kernel eras); variants stay overrides on top of it",
    };

    public static Option<string[]> Property() => new("--property")
    {
        Description = "Invariant to check, repeatable (default: all): " + string.Join(", ", Catalogue.Names),
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>
    /// Reads and validates the scenario file, moves it to the --kernel era when one is given, then
    /// applies --variant overrides on top of its kernel.variants.
    /// </summary>
    public static Machine LoadScenario(string path, IEnumerable<string>? variants, string? kernel = null) =>
        LoadScenarioWithText(path, variants, kernel).Machine;

    /// <summary><see cref="LoadScenario"/>, with the text read (for the document's embedded copy and hash).</summary>
    public static (Machine Machine, string Text) LoadScenarioWithText(string path, IEnumerable<string>? variants, string? kernel = null)
    {
        var text = Output.InputFile.ReadText(path, "scenario");
        return (LoadScenarioText(path, text, variants, kernel), text);
    }

    /// <summary>The scenario TEXT (named PATH in errors) loaded and validated, with the --kernel era and --variant overrides.</summary>
    public static Machine LoadScenarioText(string path, string text, IEnumerable<string>? variants, string? kernel = null)
    {
        Machine machine;
        try
        {
            machine = ScenarioLoader.Load(path, text);
        }
        catch (ScenarioException e)
        {
            throw new UsageException(e.Error.ToString());
        }
        var v = machine.Variants;
        if (kernel is not null)
            v = v.WithEra(KernelEras.Parse(kernel) ?? throw new UsageException($"--kernel {kernel}: {KernelEras.UnknownMessage(kernel)}"));
        return machine with { Variants = ApplyVariants(v, variants ?? []) };
    }

    /// <summary>
    /// PAIRS over V; a `kernel=V` pair (a document's variants name the era they ran) moves V to
    /// that era first, so that the other pairs stay overrides on top of it.
    /// </summary>
    public static Variants ApplyVariants(Variants v, IEnumerable<string> pairs)
    {
        var all = pairs.ToList();
        foreach (var pair in all.Where(p => p.StartsWith(Documents.ScenarioDocuments.KernelKey + "=", StringComparison.Ordinal)))
        {
            string version = pair[(pair.IndexOf('=') + 1)..].Trim();
            v = v.WithEra(KernelEras.Parse(version) ?? throw new UsageException($"--variant {pair}: {KernelEras.UnknownMessage(version)}"));
        }
        foreach (var pair in all.Where(p => !p.StartsWith(Documents.ScenarioDocuments.KernelKey + "=", StringComparison.Ordinal)))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"--variant {pair}: expected KEY=VALUE");
            var (result, error) = Variants.TryWith(v, pair[..eq].Trim(), pair[(eq + 1)..].Trim());
            v = result ?? throw new UsageException($"--variant {pair}: {error}");
        }
        return v;
    }

    public static ImmutableArray<Invariant> SelectInvariants(IReadOnlyCollection<string>? names)
    {
        var (selected, unknown) = Catalogue.Select(names ?? []);
        if (!unknown.IsEmpty)
            throw new UsageException($"--property {unknown[0]}: unknown invariant (known: {string.Join(", ", Catalogue.Names)})");
        return selected;
    }
}

using System.Globalization;
using Checker.Model.State;

namespace Checker.Model.Events;

/// <summary>Converts events to and from their one-line text form, e.g. `sriov-enable 000a:11:00.0 2`.</summary>
public static class EventText
{
    /// <summary>Every action word with the arguments it takes, for help texts and errors.</summary>
    public static readonly IReadOnlyList<string> Forms =
    [
        "boot", "add DEV", "register DRIVER", "late-initcall", "wait", "deferred-work", "deferred-probe-timeout",
        "modprobe DRIVER", "rmmod DRIVER", "sriov-enable PF N", "unbind DEV", "bind DEV DRIVER",
        "hot-add DEV", "hot-remove DEV", "fail-next-probe DEV ERRNO", "fail-next-attach DEV",
        "fail-domain-alloc IOMMU",
    ];

    public static string Format(Machine m, Event e) => e switch
    {
        Boot => "boot",
        AddDevice a => $"add {m.Devices[a.Device].Name}",
        RegisterDriver r => $"register {m.Drivers[r.Driver].Name}",
        LateInitcall => "late-initcall",
        DeferredWork => "deferred-work",
        DeferredProbeTimeout => "deferred-probe-timeout",
        Modprobe p => $"modprobe {m.Drivers[p.Driver].Name}",
        Rmmod r => $"rmmod {m.Drivers[r.Driver].Name}",
        SriovEnable s => $"sriov-enable {m.Devices[s.PhysFn].Name} {s.Count.ToString(CultureInfo.InvariantCulture)}",
        Unbind u => $"unbind {m.Devices[u.Device].Name}",
        Bind b => $"bind {m.Devices[b.Device].Name} {m.Drivers[b.Driver].Name}",
        HotAdd h => $"hot-add {m.Devices[h.Device].Name}",
        HotRemove h => $"hot-remove {m.Devices[h.Device].Name}",
        FailNextProbe f => $"fail-next-probe {m.Devices[f.Device].Name} {Errno.Name(f.Errno)}",
        FailNextAttach f => $"fail-next-attach {m.Devices[f.Device].Name}",
        FailDomainAlloc f => $"fail-domain-alloc {m.Iommus[f.Iommu].Name}",
        _ => throw new ArgumentOutOfRangeException(nameof(e), e, "unknown event"),
    };

    /// <summary>How the names in an event's text are found: the index of the device, driver or IOMMU instance of that name, -1 for none.</summary>
    public sealed record Names(Func<string, int> Device, Func<string, int> Driver, Func<string, int> Iommu)
    {
        public static Names Of(Machine m) => new(m.DeviceIndex, m.DriverIndex, m.IommuIndex);
    }

    /// <summary>Parses one event; on failure returns an error that names the word or argument at fault.</summary>
    public static (Event? Event, string? Error) Parse(Machine m, string text) => Parse(Names.Of(m), text);

    /// <summary><see cref="Parse(Machine, string)"/> with the names found by M.</summary>
    public static (Event? Event, string? Error) Parse(Names m, string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
            return (null, "empty action");
        var args = words[1..];
        return words[0] switch
        {
            "boot" => Args(args, 0, () => new Boot()),
            "late-initcall" => Args(args, 0, () => new LateInitcall()),
            "wait" or "deferred-work" => Args(args, 0, () => new DeferredWork()),
            "deferred-probe-timeout" => Args(args, 0, () => new DeferredProbeTimeout()),
            "add" => Dev(m, args, 1, d => new AddDevice(d)),
            "register" => Drv(m, args, 0, d => new RegisterDriver(d)),
            "modprobe" => Drv(m, args, 0, d => new Modprobe(d)),
            "rmmod" => Drv(m, args, 0, d => new Rmmod(d)),
            "unbind" => Dev(m, args, 1, d => new Unbind(d)),
            "hot-add" => Dev(m, args, 1, d => new HotAdd(d)),
            "hot-remove" => Dev(m, args, 1, d => new HotRemove(d)),
            "fail-next-attach" => Dev(m, args, 1, d => new FailNextAttach(d)),
            "bind" => Dev(m, args, 2, d => Drv(m, args, 1, drv => new Bind(d, drv))),
            "sriov-enable" => Dev(m, args, 2, d => Count(args[1], n => new SriovEnable(d, n))),
            "fail-next-probe" => Dev(m, args, 2, d => ErrnoArg(args[1], e => new FailNextProbe(d, e))),
            "fail-domain-alloc" => Args(args, 1, () => m.Iommu(args[0]) is var i and >= 0
                ? (new FailDomainAlloc(i), null)
                : (null, $"unknown IOMMU instance '{args[0]}'")),
            var w => (null, $"unknown action '{w}' (known: {string.Join(", ", Forms)})"),
        };
    }

    private static (Event?, string?) Args(string[] args, int n, Func<Event> make) =>
        args.Length == n ? (make(), null) : (null, $"expected {n} argument(s), got {args.Length}");

    private static (Event?, string?) Args(string[] args, int n, Func<(Event?, string?)> make) =>
        args.Length == n ? make() : (null, $"expected {n} argument(s), got {args.Length}");

    private static (Event?, string?) Dev(Names m, string[] args, int n, Func<int, Event> make) =>
        Dev(m, args, n, d => ((Event?)make(d), (string?)null));

    private static (Event?, string?) Dev(Names m, string[] args, int n, Func<int, (Event?, string?)> make)
    {
        if (args.Length != n)
            return (null, $"expected {n} argument(s), got {args.Length}");
        int d = m.Device(args[0]);
        return d >= 0 ? make(d) : (null, $"unknown device '{args[0]}'");
    }

    private static (Event?, string?) Drv(Names m, string[] args, int at, Func<int, Event> make)
    {
        if (args.Length != at + 1)
            return (null, $"expected {at + 1} argument(s), got {args.Length}");
        int d = m.Driver(args[at]);
        return d >= 0 ? (make(d), null) : (null, $"unknown driver '{args[at]}'");
    }

    private static (Event?, string?) Count(string text, Func<int, Event> make) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 256
            ? (make(n), null)
            : (null, $"'{text}' is not a VF count between 1 and 256");

    private static (Event?, string?) ErrnoArg(string text, Func<int, Event> make) =>
        Errno.Parse(text) is { } e
            ? (make(e), null)
            : (null, $"'{text}' is not an errno (known: {string.Join(", ", Errno.Names)} or a number)");
}

using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Checker.Model.State;

namespace Checker.Properties.Exhaustive;

/// <summary>
/// A 64-bit fingerprint of a World: XxHash3 of a canonical encoding (docs/explore.md). Two worlds
/// of the same machine get the same fingerprint when they differ only in the clock, the boot log,
/// the step's trace, the numbering of IOMMU groups or of DMA mappings (ids are relabelled in order
/// of first use, scanning devices then instances), or the mapping allocator's next id. Everything
/// else that Step or an invariant reads is encoded, in a fixed order.
/// </summary>
public static class Fingerprint
{
    public static ulong Of(World w) => Of(w, reduce: false);

    /// <summary>
    /// With REDUCE, the reduced fingerprint (docs/explore.md, "The reduced fingerprint"): lists keep
    /// only the order that can still change an outcome (<see cref="Reduction"/>), group members
    /// are encoded as a set.
    /// </summary>
    public static ulong Of(World w, bool reduce) => Of(w, reduce, clusters: false);

    /// <summary>
    /// With CLUSTERS as well (`--por` without injected probe failures, on a machine whose probes
    /// all succeed: docs/explore.md, "Partial-order reduction of the boot"), the bus list and the
    /// deferred lists keep only the relative order of devices of one cluster (for the bus list:
    /// of a built-in driver's walk; a module's walk and the other relations keep theirs).
    /// </summary>
    public static ulong Of(World w, bool reduce, bool clusters) => Of(w, reduce, clusters, symmetric: false);

    /// <summary>
    /// With SYMMETRIC as well (the default of `explore`, not with `--por`: docs/explore.md,
    /// "Symmetry"), the least fingerprint of the worlds that the machine's automorphisms
    /// (<see cref="Symmetry"/>) make of W with its interchangeable blocks in canonical order: two
    /// worlds one automorphism maps onto each other get one fingerprint.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Of(World w, bool reduce, bool clusters, bool symmetric)
    {
        var scratch = Scratch.Current;
        int groupIds = scratch.LoadGroups(w, out int members);
        int size = MaxSize(w, members);
        if (scratch.Bytes.Length < size)
            scratch.Bytes = new byte[Math.Max(size, scratch.Bytes.Length * 2)];
        var devices = Scratch.Sized(ref scratch.Devices, w.Machine.Devices.Length);
        w.CopyDevicesTo(devices);
        var relations = reduce ? scratch.RelationsOf(w.Machine) : null;
        if (symmetric && !clusters && scratch.SymmetriesOf(w.Machine) is { } symmetries)
        {
            var work = symmetries.Prepare(w, scratch.Devices);
            if (work.Count > 0)
            {
                ulong least = ulong.MaxValue;
                for (int k = 0; k < work.Count; k++)
                {
                    int n = Encode(w, scratch.Bytes, scratch, devices, groupIds, relations, clusters: false, symmetries.Candidate(work, k));
                    least = Math.Min(least, XxHash3.HashToUInt64(scratch.Bytes.AsSpan(0, n)));
                }
                return least;
            }
        }
        int length = Encode(w, scratch.Bytes, scratch, devices, groupIds, relations, clusters, null);
        return XxHash3.HashToUInt64(scratch.Bytes.AsSpan(0, length));
    }

    /// <summary>
    /// Per-thread buffers, reused by every fingerprint a thread takes: the encoding, the groups by
    /// id, and the id of each group label. Grown when a world needs more; never shrunk.
    /// </summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? _current;

        public byte[] Bytes = new byte[4096];
        public IommuGroup?[] GroupById = new IommuGroup?[64];
        public int[] IdOfLabel = new int[64];
        public int[] GroupLabel = new int[64];
        public int[] MappingLabel = new int[64];
        public DeviceState[] Devices = new DeviceState[64];
        public int[] List = new int[64];
        public int[] Mapped = new int[64];
        public ulong[] Related = new ulong[64];

        /// <summary>Per element of a list being put in canonical form, the related elements before it (<see cref="Reduction.Canonical"/>).</summary>
        public readonly ulong[] Before = new ulong[Reduction.MaxElements];

        /// <summary>The bus relation last written into <see cref="Related"/> and what it was made from (<see cref="BusRelation"/>).</summary>
        private Reduction.Relations? _relatedFor;
        private ulong _relatedDrivers, _relatedInstances;
        private bool _relatedClusters;

        /// <summary>The last machine whose relations were asked for, and them: a run asks for one machine's, millions of times.</summary>
        private Machine? _machine;
        private Reduction.Relations? _relations;
        private Machine? _symmetric;
        private Symmetries? _symmetries;

        public Symmetries? SymmetriesOf(Machine m)
        {
            if (!ReferenceEquals(m, _symmetric))
            {
                _symmetries = Symmetry.Of(m);
                _symmetric = m;
            }
            return _symmetries;
        }

        /// <summary>How many entries of <see cref="GroupById"/> the last <see cref="LoadGroups"/> may have set.</summary>
        private int _loadedIds;

        public static Scratch Current => _current ??= new Scratch();

        public Reduction.Relations? RelationsOf(Machine m)
        {
            if (!ReferenceEquals(m, _machine))
            {
                _relations = Reduction.Of(m);
                _machine = m;
            }
            return _relations;
        }

        /// <summary>
        /// W's bus relation (<see cref="Reduction.BusRelation"/>), in <see cref="Related"/>: made
        /// again only when which drivers and instances can still walk the bus list changed since
        /// the last world (most successors of a state, and most states of a level, share them).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ReadOnlySpan<ulong> BusRelation(World w, Reduction.Relations r, bool clusters, Permutation? p)
        {
            int devices = w.Machine.Devices.Length;
            if (Related.Length < devices)
            {
                Related = new ulong[Math.Max(devices, Related.Length * 2)];
                _relatedFor = null;
            }
            var related = Related.AsSpan(0, devices);
            if (r.InstanceDevices.Length > 64)
            {
                if (p is not null)
                    throw new InvalidOperationException("symmetry needs at most 64 instances");
                _relatedFor = null;
                Reduction.BusRelation(w, r, related, clusters);
                return related;
            }
            ulong drivers = Reduction.DriversThatMayRegister(w, r), instances = Reduction.InstancesThatMayRegister(w, r);
            if (p is not null)
                (drivers, instances) = (Moved(drivers, p.Driver), Moved(instances, p.Instance));
            if (!ReferenceEquals(r, _relatedFor) || drivers != _relatedDrivers || instances != _relatedInstances || clusters != _relatedClusters)
            {
                Reduction.BusRelation(r, drivers, instances, related, clusters);
                (_relatedFor, _relatedDrivers, _relatedInstances, _relatedClusters) = (r, drivers, instances, clusters);
            }
            return related;
        }

        /// <summary>MASK with bit x moved to bit MAP[x].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Moved(ulong mask, int[] map)
        {
            ulong moved = 0;
            for (ulong s = mask; s != 0; s &= s - 1)
                moved |= 1UL << map[System.Numerics.BitOperations.TrailingZeroCount(s)];
            return moved;
        }

        /// <summary>
        /// Reads W's groups once (ids ascending) into <see cref="GroupById"/>, cleared elsewhere;
        /// returns one past the largest id, and the total of members.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int LoadGroups(World w, out int members)
        {
            members = 0;
            int ids = 0;
            Array.Clear(GroupById, 0, _loadedIds);
            _loadedIds = 0;
            if (w.Groups.IsEmpty)
                return 0;
            foreach (var kv in w.Groups)
            {
                if (kv.Key >= GroupById.Length)
                    Array.Resize(ref GroupById, Math.Max(kv.Key + 1, GroupById.Length * 2));
                GroupById[kv.Key] = kv.Value;
                members += kv.Value.Members.Length;
                ids = Math.Max(ids, kv.Key + 1);
                _loadedIds = ids;
            }
            return ids;
        }

        public static Span<T> Sized<T>(ref T[] array, int n)
        {
            if (array.Length < n)
                array = new T[Math.Max(n, array.Length * 2)];
            return array.AsSpan(0, n);
        }
    }

    /// <summary>The canonical encoding itself, for tests and docs.</summary>
    public static byte[] Encoding(World w, bool reduce = false) => Encoding(w, reduce, null);

    /// <summary>The encoding of the world P makes of W (<see cref="Symmetry.Apply"/>), read through P: for tests.</summary>
    public static byte[] Encoding(World w, bool reduce, Permutation? p)
    {
        var scratch = new Scratch();
        int groupIds = scratch.LoadGroups(w, out int members);
        var buffer = new byte[MaxSize(w, members)];
        var devices = Scratch.Sized(ref scratch.Devices, w.Machine.Devices.Length);
        w.CopyDevicesTo(devices);
        return buffer[..Encode(w, buffer, scratch, devices, groupIds, reduce ? Reduction.Of(w.Machine) : null, clusters: false, p)];
    }

    /// <summary>A fingerprint of arbitrary text (corpus file names).</summary>
    public static ulong OfText(string text) => XxHash3.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(text));

    private static int MaxSize(World w, int members) =>
         64 + w.Machine.Devices.Length * 96 + w.Instances.Length * 24 + w.DriverRegistered.Length
            + 4 * (w.RegisteredDrivers.Length + w.BusList.Length + w.DeferredPending.Length + w.DeferredActive.Length)
            + w.Groups.Count * 24 + members * 4;

    /// <summary>
    /// Encodes W, or with P the world P makes of W (<see cref="Symmetry.Apply"/>) without making
    /// it: position x of every per-device, per-driver and per-instance part holds the state of
    /// the one P maps to x, and every index in a state or list is mapped. DEVICES: W's device states.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Encode(World w, Span<byte> buffer, Scratch scratch, ReadOnlySpan<DeviceState> devices, int groupIds,
        Reduction.Relations? reduced, bool clusters, Permutation? p)
    {
        clusters = clusters && reduced is { DeferralsEndAtLateInitcall: true };
        var e = new Encoder(buffer);
        var groupById = scratch.GroupById.AsSpan(0, groupIds);
        var groupLabel = Scratch.Sized(ref scratch.GroupLabel, groupIds);
        groupLabel.Fill(-1);
        var mappingLabel = Scratch.Sized(ref scratch.MappingLabel, w.NextMapping);
        mappingLabel.Fill(-1);
        int groups = 0, mappings = 0;

        e.Flags(w.DeferredProbeEnabled, w.InitcallsDone, w.WorkQueued, w.ProbeTimeoutDone);
        bool anyLive = !w.LiveMappings.IsEmpty;
        var initial = w.Machine.Index.InitialDevices;
        for (int x = 0; x < devices.Length; x++)
        {
            int d = p is null ? x : p.DeviceFrom[x];
            var s = devices[d];
            // A device in its initial state (most of them, early in a boot) is one byte; it has
            // no group or mapping, so it takes no label either way.
            if (ReferenceEquals(s, initial[d]) || s.Equals(initial[d]))
            {
                e.Byte(0);
                continue;
            }
            e.Byte(1);
            e.Write(new DeviceRecord
            {
                Flags = Pack(s.Present, s.EverAdded, s.HasFwspec, s.ArchSetOps, s.Coherent, s.PendingAttachFailure, s.InjectedFailure, s.Detached),
                Status = (byte)s.Status,
                Fallback = (byte)s.Fallback,
                More = (byte)(s.FwspecOps ? 1 : 0),
                Driver = p is null ? s.Driver : p.MapDriver(s.Driver),
                Group = Label(groupLabel, s.Group, ref groups),
                CoherentMask = s.CoherentMask,
                LiveConfigures = s.LiveConfigures,
                PendingProbeErrno = s.PendingProbeErrno,
                Ops = Ops(w, anyLive, s.Ops, mappingLabel, ref mappings, p),
                ConfiguredOps = Ops(w, anyLive, s.ConfiguredOps, mappingLabel, ref mappings, p),
                OpsBeforeConfigure = Ops(w, anyLive, s.OpsBeforeConfigure, mappingLabel, ref mappings, p),
            });
        }
        for (int x = 0; x < w.Instances.Length; x++)
        {
            var i = w.Instances[p is null ? x : p.InstanceFrom[x]];
            e.Flags(i.Registered, i.PendingDomainAllocFailure);
            e.Int(i.Generation);
            e.Int(i.Unregistrations);
            e.Int(i.DomainsInUse);
            Mapping(ref e, w, i.SharedMapping, mappingLabel, ref mappings);
        }
        for (int x = 0; x < w.DriverRegistered.Length; x++)
            e.Flags(w.DriverRegistered[p is null ? x : p.DriverFrom[x]]);
        var mapped = Scratch.Sized(ref scratch.Mapped, Math.Max(w.RegisteredDrivers.Length, Math.Max(w.BusList.Length, Math.Max(w.DeferredPending.Length, w.DeferredActive.Length))));
        var drivers = Mapped(w.RegisteredDrivers.AsSpan(), p?.Driver, mapped);
        if (reduced is null)
        {
            e.Ints(drivers);
            e.Ints(Mapped(w.BusList.AsSpan(), p?.Device, mapped));
        }
        else
        {
            var canonical = Scratch.Sized(ref scratch.List, Math.Max(w.RegisteredDrivers.Length, w.BusList.Length));
            Reduction.Canonical(drivers, reduced.DriverRelated, canonical[..drivers.Length], scratch.Before);
            e.Ints(canonical[..drivers.Length]);
            var related = scratch.BusRelation(w, reduced, clusters, p);
            Reduction.Canonical(Mapped(w.BusList.AsSpan(), p?.Device, mapped), related, canonical[..w.BusList.Length], scratch.Before);
            e.Ints(canonical[..w.BusList.Length]);
        }
        if (clusters)
        {
            // Deferred lists: only the order within a cluster (a deferring probe's second try
            // changes nothing, so which clusters' devices are retried first cannot matter).
            var canonical = Scratch.Sized(ref scratch.List, Math.Max(w.DeferredPending.Length, w.DeferredActive.Length));
            Reduction.Canonical(w.DeferredPending.AsSpan(), reduced!.Cluster, canonical[..w.DeferredPending.Length], scratch.Before);
            e.Ints(canonical[..w.DeferredPending.Length]);
            Reduction.Canonical(w.DeferredActive.AsSpan(), reduced.Cluster, canonical[..w.DeferredActive.Length], scratch.Before);
            e.Ints(canonical[..w.DeferredActive.Length]);
        }
        else
        {
            e.Ints(Mapped(w.DeferredPending.AsSpan(), p?.Device, mapped));
            e.Ints(Mapped(w.DeferredActive.AsSpan(), p?.Device, mapped));
        }
        // Live mappings no device or instance refers to still count (their number, not their ids).
        int unreferencedLive = 0;
        if (anyLive)
            foreach (int id in w.LiveMappings)
                if (id >= mappingLabel.Length || mappingLabel[id] < 0)
                    unreferencedLive++;
        e.Int(unreferencedLive);
        // Groups no device points at (a bookkeeping bug) take labels after the others, in id order.
        for (int id = 0; id < groupIds; id++)
            if (groupById[id] is not null)
                Label(groupLabel, id, ref groups);
        e.Int(w.Groups.Count);
        var idOfLabel = Scratch.Sized(ref scratch.IdOfLabel, groups);
        for (int id = 0; id < groupIds; id++)
            if (groupLabel[id] >= 0)
                idOfLabel[groupLabel[id]] = id;
        for (int label = 0; label < groups; label++)
        {
            int id = idOfLabel[label];
            if (groupById[id] is not { } g)
            {
                e.Int(-1);
                continue;
            }
            if (reduced is null)
                e.Ints(Mapped(g.Members.AsSpan(), p?.Device, Scratch.Sized(ref scratch.List, g.Members.Length)));
            else
            {
                // No step reads the members' join order (removal takes one out, the invariants
                // look at pairs and membership): the reduced fingerprint encodes them sorted.
                var sorted = Scratch.Sized(ref scratch.List, g.Members.Length);
                Mapped(g.Members.AsSpan(), p?.Device, sorted).CopyTo(sorted);
                sorted.Sort();
                e.Ints(sorted);
            }
            e.Int(p is null ? g.Instance : p.MapInstance(g.Instance));
            e.Int(g.Generation);
            e.Flags(g.HasDomain, g.HoldsContext);
        }
        return e.Length;
    }

    /// <summary>LIST itself without MAP; else its elements mapped, written into ROOM.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<int> Mapped(ReadOnlySpan<int> list, int[]? map, Span<int> room)
    {
        if (map is null)
            return list;
        for (int i = 0; i < list.Length; i++)
            room[i] = map[list[i]];
        return room[..list.Length];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Label(Span<int> labels, int id, ref int next)
    {
        if (id < 0 || id >= labels.Length)
            return -1;
        if (labels[id] < 0)
            labels[id] = next++;
        return labels[id];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static OpsRecord Ops(World w, bool anyLive, DmaOps ops, scoped Span<int> mappingLabel, ref int mappings, Permutation? p) => new()
    {
        Kind = (byte)ops.Kind,
        Owner = p is null ? ops.Owner : p.MapDriver(ops.Owner),
        Instance = p is null ? ops.Instance : p.MapInstance(ops.Instance),
        Generation = ops.Generation,
        Mapping = Label(mappingLabel, ops.Mapping, ref mappings),
        Live = (byte)(anyLive && ops.Mapping >= 0 && w.LiveMappings.Contains(ops.Mapping) ? 1 : 0),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Pack(bool a, bool b, bool c, bool d, bool e, bool f, bool g, bool h) =>
        (byte)((a ? 1 : 0) | (b ? 2 : 0) | (c ? 4 : 0) | (d ? 8 : 0) | (e ? 16 : 0) | (f ? 32 : 0) | (g ? 64 : 0) | (h ? 128 : 0));

    /// <summary>A device's part of the encoding, written in one store: the fields in order, little-endian, unpadded.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct DeviceRecord
    {
        public byte Flags, Status, Fallback, More;
        public int Driver, Group;
        public ulong CoherentMask;
        public int LiveConfigures, PendingProbeErrno;
        public OpsRecord Ops, ConfiguredOps, OpsBeforeConfigure;
    }

    /// <summary>One dma_ops: kind, owner, instance, generation, mapping label, whether the mapping is live.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct OpsRecord
    {
        public byte Kind;
        public int Owner, Instance, Generation, Mapping;
        public byte Live;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mapping(ref Encoder e, World w, int id, scoped Span<int> mappingLabel, ref int mappings)
    {
        e.Int(Label(mappingLabel, id, ref mappings));
        e.Flags(id >= 0 && w.LiveMappings.Contains(id));
    }

    private ref struct Encoder(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        public int Length { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Byte(byte b) => _buffer[Length++] = b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Write<T>(in T value) where T : struct
        {
            MemoryMarshal.Write(_buffer[Length..], in value);
            Length += Unsafe.SizeOf<T>();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Int(int v)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer[Length..], v);
            Length += 4;
        }

        public void Ulong(ulong v)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Length..], v);
            Length += 8;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Ints(ReadOnlySpan<int> values)
        {
            Int(values.Length);
            foreach (int v in values)
                Int(v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Flags(bool a, bool b = false, bool c = false, bool d = false, bool e = false, bool f = false, bool g = false, bool h = false) =>
            Byte((byte)((a ? 1 : 0) | (b ? 2 : 0) | (c ? 4 : 0) | (d ? 8 : 0) | (e ? 16 : 0) | (f ? 32 : 0) | (g ? 64 : 0) | (h ? 128 : 0)));
    }
}

using System.Runtime.CompilerServices;
using Checker.Model.State;

namespace Checker.Properties.Exhaustive;

/// <summary>A map of a machine's devices, drivers and instances onto themselves (old index to new), with its inverse.</summary>
public sealed class Permutation
{
    public readonly int[] Device, Driver, Instance;
    public readonly int[] DeviceFrom, DriverFrom, InstanceFrom;

    public Permutation(int devices, int drivers, int instances)
    {
        Device = Identity(devices);
        Driver = Identity(drivers);
        Instance = Identity(instances);
        DeviceFrom = Identity(devices);
        DriverFrom = Identity(drivers);
        InstanceFrom = Identity(instances);
    }

    private static int[] Identity(int n)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++)
            a[i] = i;
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Reset()
    {
        for (int i = 0; i < Device.Length; i++)
            Device[i] = DeviceFrom[i] = i;
        for (int i = 0; i < Driver.Length; i++)
            Driver[i] = DriverFrom[i] = i;
        for (int i = 0; i < Instance.Length; i++)
            Instance[i] = InstanceFrom[i] = i;
    }

    /// <summary>Moves block FROM onto block TO: the k-th device, driver and instance of one to the k-th of the other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Move(SymmetricBlock from, SymmetricBlock to)
    {
        for (int k = 0; k < from.Devices.Length; k++)
            (Device[from.Devices[k]], DeviceFrom[to.Devices[k]]) = (to.Devices[k], from.Devices[k]);
        for (int k = 0; k < from.Drivers.Length; k++)
            (Driver[from.Drivers[k]], DriverFrom[to.Drivers[k]]) = (to.Drivers[k], from.Drivers[k]);
        for (int k = 0; k < from.Instances.Length; k++)
            (Instance[from.Instances[k]], InstanceFrom[to.Instances[k]]) = (to.Instances[k], from.Instances[k]);
    }

    public int MapDriver(int drv) => drv >= 0 ? Driver[drv] : drv;

    public int MapInstance(int inst) => inst >= 0 ? Instance[inst] : inst;

    public DmaOps Map(DmaOps ops) => ops with { Owner = MapDriver(ops.Owner), Instance = MapInstance(ops.Instance) };
}

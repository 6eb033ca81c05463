using System.Globalization;
using System.Text;

namespace Checker.Bench;

/// <summary>
/// A synthetic arm64 ACPI machine of exactly N devices in the scenario format (docs/scenario-format.md),
/// deterministic: the same N always gives the same text. Domains of 32 root ports; below each root port a
/// switch (upstream port, four downstream ports) with one 8-function endpoint under each downstream port,
/// 38 PCI functions a root port, 1,216 a domain; one SMMUv3 platform device per domain, registered by a
/// built-in arm-smmu-v3 that links after pcieport (so the ports defer first, as on the D05). ACS on the root
/// and downstream ports of every other switch, so some endpoints share a group with their slot and some
/// switches share one group. Drivers: pcieport (every port), nvme (function 0 of every endpoint, built in),
/// mlx5_core (functions 1 and 2, a module loaded by the script), functions 3 to 7 unmatched.
/// </summary>
public static class BigMachine
{
    private const int PortsPerDomain = 32;
    private const int DownstreamPorts = 4;
    private const int Functions = 8;
    private const int PerPort = 2 + DownstreamPorts * (1 + Functions);
    private const int PerDomain = 1 + PortsPerDomain * PerPort;

    public static string Scenario(int n)
    {
        if (n < 2 || n > 65_536)
            throw new ArgumentOutOfRangeException(nameof(n), "2..65536 devices");
        int domains = (n + PerDomain - 1) / PerDomain;
        int pci = n - domains;
        var ports = new List<string>();
        var nvme = new List<string>();
        var mlx = new List<string>();
        var devices = new StringBuilder();
        var sb = new StringBuilder();
        sb.Append("# Synthetic machine of ").Append(n.ToString(CultureInfo.InvariantCulture))
          .Append(" devices written by `Bench.dll big-scenario` (bench/BigMachine.cs); see docs/PERFORMANCE.md.\n");
        sb.Append("name: big-").Append(n.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("kernel:\n  arch: arm64\n\niommus:\n");
        for (int d = 0; d < domains; d++)
            sb.Append("  - { name: smmu-").Append(Hex4(d)).Append(", device: arm-smmu-v3.").Append(d.ToString(CultureInfo.InvariantCulture))
              .Append(".auto, driver: arm-smmu-v3 }\n");
        sb.Append("\nhost-bridges:\n");
        for (int d = 0; d < domains; d++)
            sb.Append("  - { domain: \"").Append(Hex4(d)).Append("\", root-bus: \"00\", firmware: acpi, iommu: smmu-").Append(Hex4(d)).Append(" }\n");
        sb.Append("\ndevices:\n");
        for (int d = 0; d < domains; d++)
            sb.Append("  - { name: arm-smmu-v3.").Append(d.ToString(CultureInfo.InvariantCulture)).Append(".auto, bus: platform, firmware: acpi }\n");

        int left = pci;
        void Emit(string name, string? parent, string type, bool acs, bool multifunction)
        {
            if (left == 0)
                return;
            left--;
            devices.Append("  - { name: \"").Append(name).Append("\", bus: pci");
            if (parent is not null)
                devices.Append(", parent: \"").Append(parent).Append('"');
            if (type != "endpoint")
                devices.Append(", type: ").Append(type);
            if (multifunction)
                devices.Append(", multifunction: true");
            if (acs)
                devices.Append(", acs: [SV, RR, CR, UF]");
            devices.Append(" }\n");
        }
        for (int d = 0; d < domains && left > 0; d++)
            for (int p = 0; p < PortsPerDomain && left > 0; p++)
            {
                bool acs = p % 2 == 0;
                int upBus = 1 + p * (2 + DownstreamPorts);
                string rp = Name(d, 0, p, 0);
                string up = Name(d, upBus, 0, 0);
                if (left > 0) ports.Add(rp);
                Emit(rp, null, "root-port", acs, false);
                if (left > 0) ports.Add(up);
                Emit(up, rp, "upstream-port", false, false);
                for (int k = 0; k < DownstreamPorts && left > 0; k++)
                {
                    string dp = Name(d, upBus + 1, k, 0);
                    if (left > 0) ports.Add(dp);
                    Emit(dp, up, "downstream-port", acs, false);
                    for (int f = 0; f < Functions && left > 0; f++)
                    {
                        string ep = Name(d, upBus + 2 + k, 0, f);
                        (f == 0 ? nvme : f <= 2 ? mlx : null)?.Add(ep);
                        Emit(ep, dp, "endpoint", false, true);
                    }
                }
            }
        sb.Append(devices);

        sb.Append("\ndrivers:\n");
        List("pcieport", "pci", ports, null);
        var smmus = Enumerable.Range(0, domains).Select(d => "arm-smmu-v3." + d.ToString(CultureInfo.InvariantCulture) + ".auto").ToList();
        List("arm-smmu-v3", "platform", smmus, null);
        List("nvme", "pci", nvme, null);
        List("mlx5_core", "pci", mlx, "module");
        sb.Append("\nscript:\n  - { do: boot }\n  - { at: 5, do: modprobe, driver: mlx5_core }\n");
        return sb.ToString();

        void List(string name, string bus, List<string> matches, string? arrival)
        {
            sb.Append("  - name: ").Append(name).Append("\n    bus: ").Append(bus).Append('\n');
            if (arrival is not null)
                sb.Append("    arrival: ").Append(arrival).Append('\n');
            sb.Append("    matches: [");
            for (int i = 0; i < matches.Count; i++)
            {
                if (i > 0)
                    sb.Append(i % 4 == 0 ? ",\n      " : ", ");
                sb.Append('"').Append(matches[i]).Append('"');
            }
            sb.Append("]\n");
        }
    }

    private static string Hex4(int d) => d.ToString("x4", CultureInfo.InvariantCulture);

    private static string Name(int domain, int bus, int dev, int fn) =>
        string.Create(CultureInfo.InvariantCulture, $"{domain:x4}:{bus:x2}:{dev:x2}.{fn}");
}

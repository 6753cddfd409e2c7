using System.Globalization;

namespace OrleansML.Benchmarks.Ctr;

/// <summary>A process's resident memory as Linux reports it in <c>/proc/&lt;pid&gt;/status</c>.</summary>
internal static class SiloMemory
{
    /// <summary>The peak resident set (VmHWM) of process <paramref name="pid"/>, in MiB.</summary>
    public static double PeakMiB(int pid) => Field(pid, "VmHWM:");

    /// <summary>The current resident set (VmRSS) of process <paramref name="pid"/>, in MiB.</summary>
    public static double CurrentMiB(int pid) => Field(pid, "VmRSS:");

    private static double Field(int pid, string field)
    {
        string path = $"/proc/{pid}/status";
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // "VmHWM:	  123456 kB"
                string[] parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        throw new InvalidDataException($"{path} has no {field} line.");
    }
}

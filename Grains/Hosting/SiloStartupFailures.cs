using System.Net.Sockets;
using OrleansML.Grains.Hosting.Database;

namespace OrleansML.Grains.Hosting;

/// <summary>
/// Turns what building or starting a silo host threw into a <see cref="SiloStartupException"/> with a message for
/// people (the checks of <see cref="SiloStartupChecks"/> catch most mistakes first; this covers what only Orleans sees).
/// </summary>
public static class SiloStartupFailures
{
    public static SiloStartupException Explain(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (Exception cause in Causes(exception))
        {
            switch (cause)
            {
                case SiloStartupException startup:
                    return startup;
                case DatabaseConfigurationException database:
                    return new SiloStartupException(
                        database.Problem == DatabaseProblem.ServerUnreachable ? SiloStartupProblem.ServiceUnavailable : SiloStartupProblem.InvalidConfiguration,
                        database.Message, exception);
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return new SiloStartupException(SiloStartupProblem.PortInUse,
                        $"A port the silo listens on (Orleans:Endpoints:SiloPort or GatewayPort) is already in use: {cause.Message}.", exception);
                case OptionsValidationException or OrleansConfigurationException:
                    return new SiloStartupException(SiloStartupProblem.InvalidConfiguration, $"Invalid configuration: {cause.Message}", exception);
                case InvalidOperationException when cause.Message.Contains("provider named", StringComparison.Ordinal)
                    || cause.Message.Contains("configuration value", StringComparison.Ordinal):
                    // Orleans' "Could not find Clustering provider named 'X' ... Known Clustering providers: ..." and the
                    // configuration binder's "Failed to convert configuration value at 'key' ...".
                    return new SiloStartupException(SiloStartupProblem.InvalidConfiguration, $"Invalid configuration: {cause.Message}", exception);
            }
        }

        Exception innermost = Causes(exception).Last();
        return new SiloStartupException(SiloStartupProblem.StartFailed, $"The silo failed to start: {innermost.GetType().Name}: {innermost.Message}", exception);
    }

    /// <summary>The exception and its causes, outermost first (every inner exception of an aggregate).</summary>
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        var pending = new Queue<Exception>();
        pending.Enqueue(exception);
        while (pending.Count > 0)
        {
            Exception next = pending.Dequeue();
            yield return next;
            if (next is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    pending.Enqueue(inner);
                }
            }
            else if (next.InnerException is not null)
            {
                pending.Enqueue(next.InnerException);
            }
        }
    }
}

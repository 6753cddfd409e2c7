namespace OrleansML.Dashboard;

/// <summary>The dashboard's settings are invalid; the message names the option and what it accepts.</summary>
public sealed class DashboardException : Exception
{
    public DashboardException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public DashboardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message (serializers and analyzers).</summary>
    public DashboardException()
    {
    }
}

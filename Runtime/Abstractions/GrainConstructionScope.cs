namespace OrleansML.Runtime;

/// <summary>
/// Makes the activation under construction visible to <see cref="Grain"/>'s constructor, so generated
/// activators can call the user's constructor (with its injected parameters) without passing the context.
/// </summary>
/// <remarks>Construction is synchronous, so a thread-static is enough and never leaks across awaits.</remarks>
public static class GrainConstructionScope
{
    [ThreadStatic]
    private static IGrainContext? s_current;

    internal static IGrainContext? Current => s_current;

    /// <summary>Constructs a grain with <paramref name="context"/> as its activation context.</summary>
    public static TGrain Construct<TGrain>(IGrainContext context, Func<TGrain> constructor) where TGrain : Grain
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(constructor);
        IGrainContext? previous = s_current;
        s_current = context;
        try
        {
            return constructor();
        }
        finally
        {
            s_current = previous;
        }
    }
}

namespace OrleansML.Runtime.TestGrains;

/// <summary>See <see cref="IWhereAmIGrain"/>.</summary>
public sealed class WhereAmIGrain(Hosting.ILocalSiloDetails silo) : Grain, IWhereAmIGrain
{
    /// <inheritdoc/>
    public Task<string> WhereAsync() => Task.FromResult($"{silo.SiloAddress} {silo.SiloName}");

    /// <inheritdoc/>
    public async Task<string> SlowWhereAsync(int delayMilliseconds)
    {
        await Task.Delay(delayMilliseconds);
        return await WhereAsync();
    }
}

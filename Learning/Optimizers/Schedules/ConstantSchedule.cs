namespace OrleansML.Learning.Optimizers;

internal sealed class ConstantSchedule : LearningRateSchedule
{
    private readonly float _rate;

    public ConstantSchedule(float rate)
    {
        if (!(rate > 0) || !float.IsFinite(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"learning rate must be finite and > 0, got {rate}.");
        }

        _rate = rate;
    }

    public override float RateAt(long updateNumber) => _rate;
}

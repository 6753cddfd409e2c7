namespace OrleansML.Learning.Optimizers;

/// <summary>The decaying schedules: one closed form each, computed in double to keep late steps accurate.</summary>
internal sealed class DecaySchedule : LearningRateSchedule
{
    private readonly LearningRateScheduleKind _kind;
    private readonly double _rate;
    private readonly double _decayRate;
    private readonly long _decaySteps;
    private readonly double _minimumRate;

    public DecaySchedule(LearningRateScheduleKind kind, float rate, double decayRate, long decaySteps, float minimumRate)
    {
        if (!(rate > 0) || !float.IsFinite(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), $"learning rate must be finite and > 0, got {rate}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decaySteps);
        bool multiplicative = kind is LearningRateScheduleKind.StepDecay or LearningRateScheduleKind.ExponentialDecay;
        if (multiplicative && !(decayRate > 0 && decayRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decayRate), $"decay rate must be in (0, 1], got {decayRate}.");
        }

        if (kind == LearningRateScheduleKind.InverseTime && !(decayRate >= 0 && double.IsFinite(decayRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(decayRate), $"decay rate must be finite and >= 0, got {decayRate}.");
        }

        if (!(minimumRate >= 0 && minimumRate <= rate))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRate), $"minimum rate must be in [0, {rate}], got {minimumRate}.");
        }

        _kind = kind;
        _rate = rate;
        _decayRate = decayRate;
        _decaySteps = decaySteps;
        _minimumRate = minimumRate;
    }

    public override float RateAt(long updateNumber)
    {
        // Steps count from zero inside the formulas so that update 1 gets the base rate.
        double step = Math.Max(0, updateNumber - 1);
        double rate = _kind switch
        {
            LearningRateScheduleKind.StepDecay => _rate * Math.Pow(_decayRate, Math.Floor(step / _decaySteps)),
            LearningRateScheduleKind.ExponentialDecay => _rate * Math.Pow(_decayRate, step / _decaySteps),
            LearningRateScheduleKind.InverseTime => _rate / (1 + (_decayRate * step / _decaySteps)),
            LearningRateScheduleKind.InverseSqrt => _rate / Math.Sqrt(1 + (step / _decaySteps)),
            LearningRateScheduleKind.Cosine => _minimumRate
                + ((_rate - _minimumRate) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, _decaySteps) / _decaySteps))),
            _ => throw new InvalidOperationException($"schedule kind {_kind} is not a decay."),
        };
        return (float)rate;
    }
}

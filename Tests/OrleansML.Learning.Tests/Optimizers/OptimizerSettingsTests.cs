using System.Text.Json;

namespace OrleansML.Learning.Tests.Optimizers;

public class OptimizerSettingsTests
{
    [Fact]
    public void Negative_learning_rate_is_named_with_its_value()
    {
        var error = Assert.Throws<ArgumentException>(() => new OptimizerSettings { LearningRate = -1 }.Validate());
        Assert.Equal("optimizer.learningRate must be > 0, got -1", error.Message);
    }

    [Theory]
    [InlineData("optimizer.momentum must be in [0, 1), got 1")]
    [InlineData("optimizer.beta2 must be in [0, 1), got 1.5")]
    [InlineData("optimizer.epsilon must be > 0, got 0")]
    [InlineData("optimizer.l1Regularization must be 0 for Adam (only Ftrl supports L1), got 0.1")]
    [InlineData("optimizer.l2Regularization must be >= 0, got -0.5")]
    [InlineData("optimizer.schedule.decaySteps must be >= 1, got 0")]
    [InlineData("optimizer.schedule.decayRate must be in (0, 1] for StepDecay, got 2")]
    [InlineData("optimizer.schedule.kind must be Constant without warm-up for Ftrl, got Cosine with 0 warm-up steps")]
    public void Invalid_fields_are_named(string message)
    {
        OptimizerSettings settings = message switch
        {
            _ when message.Contains("momentum", StringComparison.Ordinal) => new() { Kind = OptimizerKind.Momentum, Momentum = 1 },
            _ when message.Contains("beta2", StringComparison.Ordinal) => new() { Kind = OptimizerKind.Adam, Beta2 = 1.5f },
            _ when message.Contains("epsilon", StringComparison.Ordinal) => new() { Kind = OptimizerKind.AdaGrad, Epsilon = 0 },
            _ when message.Contains("l1Regularization", StringComparison.Ordinal) => new() { Kind = OptimizerKind.Adam, L1Regularization = 0.1f },
            _ when message.Contains("l2Regularization", StringComparison.Ordinal) => new() { L2Regularization = -0.5f },
            _ when message.Contains("decaySteps", StringComparison.Ordinal) => new() { Schedule = new() { DecaySteps = 0 } },
            _ when message.Contains("decayRate", StringComparison.Ordinal) => new() { Schedule = new() { Kind = LearningRateScheduleKind.StepDecay, DecayRate = 2 } },
            _ => new() { Kind = OptimizerKind.Ftrl, Schedule = new() { Kind = LearningRateScheduleKind.Cosine } },
        };

        var error = Assert.Throws<ArgumentException>(settings.Create);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Json_round_trip_keeps_every_field_and_enums_are_names()
    {
        var settings = new OptimizerSettings
        {
            Kind = OptimizerKind.Adam,
            LearningRate = 0.003f,
            Beta1 = 0.8f,
            L2Regularization = 1e-4f,
            Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, DecaySteps = 500, WarmupSteps = 20 },
        };
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        string json = JsonSerializer.Serialize(settings, options);
        Assert.Contains("\"kind\":\"Adam\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"Cosine\"", json, StringComparison.Ordinal);
        Assert.Equal(settings, JsonSerializer.Deserialize<OptimizerSettings>(json, options));

        var fromUser = JsonSerializer.Deserialize<OptimizerSettings>("""{"kind":"Ftrl","learningRate":0.1,"l1Regularization":1}""", options)!;
        Assert.Equal(OptimizerKind.Ftrl, fromUser.Kind);
        Assert.Equal("ftrl", fromUser.Create().CreateState(1).OptimizerName);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, "sgd", 0)]
    [InlineData(OptimizerKind.Momentum, "momentum", 1)]
    [InlineData(OptimizerKind.AdaGrad, "adagrad", 1)]
    [InlineData(OptimizerKind.Adam, "adam", 2)]
    [InlineData(OptimizerKind.Ftrl, "ftrl", 2)]
    public void Create_builds_the_named_rule_with_its_state_shape(OptimizerKind kind, string name, int buffers)
    {
        OptimizerState state = new OptimizerSettings { Kind = kind }.Create().CreateState(7);
        Assert.Equal(name, state.OptimizerName);
        Assert.Equal(buffers, state.BufferCount);
        Assert.Equal(7, state.ParameterCount);
    }
}

using Orleans.Configuration;

namespace OrleansML.Grains.Transfer;

/// <summary>Validates <see cref="TransferOptions"/> against the silo's Orleans message size limit as configured
/// (<see cref="MessagingOptions.MaxMessageBodySize"/> of <see cref="SiloMessagingOptions"/>).</summary>
internal sealed class TransferOptionsCheck(IOptions<SiloMessagingOptions> messaging) : IValidateOptions<TransferOptions>
{
    public ValidateOptionsResult Validate(string? name, TransferOptions options)
    {
        try
        {
            options.Validate(messaging.Value.MaxMessageBodySize);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}

namespace OrleansML.Learning.Models;

/// <summary>Argument checks shared by the <see cref="ISliceInitializable"/> implementations.</summary>
internal static class SliceChecks
{
    /// <summary>Throws unless [<paramref name="offset"/>, offset + <paramref name="length"/>) lies within the model's parameters.</summary>
    public static void RequireRange(IModel model, int offset, int length)
    {
        if (offset < 0 || length < 0 || (long)offset + length > model.ParameterCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset),
                $"{model.Name}: slice [{offset}, {(long)offset + length}) does not lie within its {model.ParameterCount} parameters.");
        }
    }
}

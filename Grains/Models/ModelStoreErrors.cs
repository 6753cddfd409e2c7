using OrleansML.Learning.Models.Store;

namespace OrleansML.Grains.Models;

/// <summary>Turns a model store failure into an exception every Orleans client can deserialise: a missing model is
/// a <see cref="KeyNotFoundException"/>, a damaged one an <see cref="InvalidDataException"/>; the message, which names
/// the model and the blob, is kept.</summary>
internal static class ModelStoreErrors
{
    public static Exception ToPortable(ModelStoreException exception) =>
        exception.NotFound ? new KeyNotFoundException(exception.Message) : new InvalidDataException(exception.Message);
}

using System.Text;

namespace OrleansML.Runtime.CodeGen.Analysis;

/// <summary>
/// The same function as <c>OrleansML.Runtime.StableHashing.Hash(string)</c> (FNV-1a over UTF-8, then a
/// murmur3-style finaliser), evaluated at compile time so method ids are constants. The generator cannot
/// reference the runtime (it targets netstandard2.0 and loads into the compiler), so the function is
/// repeated here; a test checks that both agree on every generated method.
/// </summary>
internal static class StableHash
{
    public static uint Hash(string text)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619);
        }

        hash ^= hash >> 16;
        hash = unchecked(hash * 0x85EBCA6B);
        hash ^= hash >> 13;
        hash = unchecked(hash * 0xC2B2AE35);
        hash ^= hash >> 16;
        return hash;
    }
}

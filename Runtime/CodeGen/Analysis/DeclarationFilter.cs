using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OrleansML.Runtime.CodeGen.Analysis;

/// <summary>
/// A partial type has several declarations, and the syntax provider visits each one that has a base list.
/// Only the first such declaration produces a model, so that each type is generated once.
/// </summary>
internal static class DeclarationFilter
{
    public static bool IsPrimaryDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.Length <= 1)
        {
            return true;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { BaseList: not null } candidate)
            {
                return candidate.SyntaxTree == declaration.SyntaxTree && candidate.Span == declaration.Span;
            }
        }

        return false;
    }
}

namespace VoiceOfCustomer.Value;

/// <summary>
/// The shifted-beta-geometric model fitted to contract customers observed for different lengths of time, as a segment's
/// customers are: one who churned at the end of term t contributes P(T = t); one still in term k (k − 1 renewals made)
/// contributes S(k − 1). With every customer starting together this is <see cref="ShiftedBetaGeometric.Fit"/>'s likelihood.
/// </summary>
public static class ContractRetention
{
    /// <param name="churnedAfterTerm">Customers by the term at whose end they left: index t holds those who churned after term t (index 0 unused).</param>
    /// <param name="activeInTerm">Customers still active, by the term they are in (index 0 unused).</param>
    /// <exception cref="ClvDataException">No customer renewed or none left: the data cannot tell retention apart.</exception>
    public static ShiftedBetaGeometricFit Fit(IReadOnlyList<int> churnedAfterTerm, IReadOnlyList<int> activeInTerm)
    {
        var churned = churnedAfterTerm.Sum();
        var renewed = 0;
        for (var k = 2; k < activeInTerm.Count; k++)
            renewed += activeInTerm[k];
        for (var t = 2; t < churnedAfterTerm.Count; t++)
            renewed += churnedAfterTerm[t];
        if (churned == 0)
            throw new ClvDataException("No contract customer has left yet, so retention cannot be estimated.");
        if (renewed == 0)
            throw new ClvDataException("No contract customer has renewed yet, so retention cannot be estimated.");
        var size = churned + activeInTerm.Sum();

        double LogLikelihood(ShiftedBetaGeometric model)
        {
            var total = 0.0;
            for (var t = 1; t < churnedAfterTerm.Count; t++)
                if (churnedAfterTerm[t] > 0)
                    total += churnedAfterTerm[t] * Math.Log(model.ChurnProbability(t));
            for (var k = 2; k < activeInTerm.Count; k++)
                if (activeInTerm[k] > 0)
                    total += activeInTerm[k] * Math.Log(model.Survival(k - 1));
            return total;
        }

        var optimum = Optimizer.Minimize(Optimizer.WithNumericalGradient(p => -LogLikelihood(new ShiftedBetaGeometric(Math.Exp(p[0]), Math.Exp(p[1]))) / size),
            [0.0, 0.0], gradientTolerance: 1e-9);
        var model = new ShiftedBetaGeometric(Math.Exp(optimum.Point[0]), Math.Exp(optimum.Point[1]));
        var errors = Optimizer.StandardErrors((point, gradient) =>
            Optimizer.WithNumericalGradient(p => -LogLikelihood(new ShiftedBetaGeometric(p[0], p[1])))(point, gradient), [model.Alpha, model.Beta]);
        return new ShiftedBetaGeometricFit(model, errors is null ? null : new ShiftedBetaGeometric(errors[0], errors[1]),
            new FitDiagnostics(LogLikelihood(model), optimum.Converged, optimum.Iterations, size));
    }
}

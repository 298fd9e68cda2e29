using VoiceOfCustomer.Data;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("VoiceOfCustomer.IntegrationTests.Infrastructure.SqlServerTestFramework", "VoiceOfCustomer.IntegrationTests")]

namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>
/// Marks a test class whose every test runs on SQL Server (the SQL Server member of a provider suite, e.g.
/// <c>FeedbackProviderSqlServerTests</c>). Without <c>VOC_TEST_SQLSERVER</c> its tests are reported as skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SqlServerTestsAttribute : Attribute;

/// <summary>
/// xUnit's own framework, except that without a SQL Server to test on (<c>VOC_TEST_SQLSERVER</c> unset) every test that
/// needs one is reported as skipped, with the reason, instead of failing or silently disappearing: the tests of a class
/// marked <see cref="SqlServerTestsAttribute"/>, and the rows of a provider theory whose <c>provider</c> argument is
/// <c>"SqlServer"</c> (<see cref="TestDatabase.Providers"/>). So the run's summary counts them, and a run with a server runs them all.
/// </summary>
public sealed class SqlServerTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider sources, IMessageSink diagnostics)
        : XunitTestFrameworkDiscoverer(assembly, sources, diagnostics)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus,
            ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (TestDatabase.SqlServerSkipReason is not { } reason)
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            var skipping = new SkippingBus(messageBus, reason, DiagnosticMessageSink, discoveryOptions);
            return base.FindTestsForMethod(testMethod, includeSourceInformation, skipping, discoveryOptions);
        }
    }

    /// <summary>Passes every discovered test on, replacing those that need SQL Server by a skipped one of the same name.</summary>
    private sealed class SkippingBus(IMessageBus inner, string reason, IMessageSink diagnostics, ITestFrameworkDiscoveryOptions options) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestCaseDiscoveryMessage { TestCase: IXunitTestCase testCase } && NeedsSqlServer(testCase) && testCase.SkipReason is null)
            {
                message = new TestCaseDiscoveryMessage(new XunitSkippedDataRowTestCase(diagnostics, options.MethodDisplayOrDefault(),
                    options.MethodDisplayOptionsOrDefault(), testCase.TestMethod, reason, testCase.TestMethodArguments));
            }
            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
            // The inner bus belongs to the caller.
        }
    }

    /// <summary>The parameter of a provider theory: <c>string provider</c> (or a <see cref="DatabaseProvider"/> named so).</summary>
    public const string ProviderParameter = "provider";

    public static bool NeedsSqlServer(IXunitTestCase testCase)
    {
        if (testCase.TestMethod.TestClass.Class.ToRuntimeType().IsDefined(typeof(SqlServerTestsAttribute), inherit: true))
            return true;
        var parameters = testCase.TestMethod.Method.GetParameters().ToList();
        var arguments = testCase.TestMethodArguments ?? [];
        return Enumerable.Range(0, Math.Min(parameters.Count, arguments.Length)).Any(i => parameters[i].Name == ProviderParameter
            && arguments[i] is DatabaseProvider.SqlServer or nameof(DatabaseProvider.SqlServer));
    }
}

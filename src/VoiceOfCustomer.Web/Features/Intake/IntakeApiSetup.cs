namespace VoiceOfCustomer.Web.Features.Intake;

public static class IntakeApiSetup
{
    public static IServiceCollection AddIntakeApi(this IServiceCollection services, IConfiguration configuration) => services;
}

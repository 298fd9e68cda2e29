using Microsoft.AspNetCore.Mvc.Razor;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>Views sit beside their controller in <c>Features/&lt;Feature&gt;/</c>; shared ones in <c>Features/Shared/</c>.</summary>
public sealed class FeatureViewLocationExpander : IViewLocationExpander
{
    public void PopulateValues(ViewLocationExpanderContext context) { }

    public IEnumerable<string> ExpandViewLocations(ViewLocationExpanderContext context, IEnumerable<string> viewLocations) =>
        ["/Features/{1}/{0}.cshtml", "/Features/Shared/{0}.cshtml", .. viewLocations];
}

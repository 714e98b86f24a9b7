using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ProcurementFlows.Server.Identity;

/// <summary>A request for an API token (local accounts).</summary>
/// <param name="UserName">The account's user name.</param>
/// <param name="Password">The account's password.</param>
public sealed record TokenRequest([property: Required] string UserName, [property: Required] string Password);

/// <summary>An issued API token, in OAuth 2.0's response shape.</summary>
/// <param name="AccessToken">The signed JWT; send it as <c>Authorization: Bearer ...</c>.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the token expires.</param>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>Who the caller is.</summary>
/// <param name="UserName">The user id.</param>
/// <param name="DisplayName">A name to show.</param>
/// <param name="Roles">Roles.</param>
/// <param name="Groups">Groups.</param>
public sealed record MeResponse(string UserName, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);

/// <summary>Sign-in page, sign-out, the token endpoint and "who am I".</summary>
public static class IdentityEndpoints
{
    /// <summary>Maps <c>/signin</c>, <c>/signout</c>, <c>POST /api/auth/token</c> and <c>GET /api/auth/me</c>.</summary>
    public static IEndpointRouteBuilder MapProcurementFlowsIdentity(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/token", IssueToken)
            .AllowAnonymous()
            .WithName("IssueToken")
            .WithSummary("Exchange a local account's user name and password for a bearer token.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapGet("/me", (HttpContext context) =>
            {
                var user = context.GetCurrentUser();
                return TypedResults.Ok(new MeResponse(user.UserName, user.DisplayName, user.Roles, user.Groups));
            })
            .WithName("GetCurrentUser")
            .WithSummary("The signed-in user's name, roles and groups.");

        auth.MapPost("/signin", SignInJson)
            .AllowAnonymous()
            .WithName("SignIn")
            .WithSummary("Sign in with a local account: sets the workbench's session cookie and returns the user.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/signout", async (HttpContext context) =>
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return TypedResults.NoContent();
            })
            .AllowAnonymous()
            .WithName("SignOut")
            .WithSummary("End the workbench session (clears the cookie).");

        // A server-rendered sign-in page for browsers when the workbench is not there (Scalar, the Hangfire dashboard).
        endpoints.MapGet(SignInPath, SignInPage).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapPost(SignInPath, SignIn).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The server-rendered sign-in page (the cookie's login path).</summary>
    public const string SignInPath = "/account/signin";

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> SignInJson(
        TokenRequest request,
        HttpContext context,
        ILocalAccountStore store,
        SignInThrottle throttle,
        IOptions<IdentityOptions> options)
    {
        var (account, problem) = Authenticate(request, store, throttle, options.Value);
        if (problem is not null)
        {
            return problem;
        }

        await context.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            LocalTokenService.CreatePrincipal(account!, CookieAuthenticationDefaults.AuthenticationScheme));
        return TypedResults.Ok(new MeResponse(account!.UserName, account.DisplayName, account.Roles, account.Groups));
    }

    private static Results<Ok<TokenResponse>, ProblemHttpResult> IssueToken(
        TokenRequest request,
        ILocalAccountStore store,
        LocalTokenService tokens,
        SignInThrottle throttle,
        IOptions<IdentityOptions> options)
    {
        var (account, problem) = Authenticate(request, store, throttle, options.Value);
        if (problem is not null)
        {
            return problem;
        }

        var (token, lifetime) = tokens.Issue(account!);
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds));
    }

    private static (AccountInfo? Account, ProblemHttpResult? Problem) Authenticate(
        TokenRequest request,
        ILocalAccountStore store,
        SignInThrottle throttle,
        IdentityOptions options)
    {
        if (options.Mode != IdentityMode.Local)
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Local sign-in is disabled",
                detail: "This server accepts tokens from its OpenID Connect authority only."));
        }

        if (string.IsNullOrEmpty(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrEmpty(request.UserName))
            {
                errors["userName"] = ["The user name is required."];
            }

            if (string.IsNullOrEmpty(request.Password))
            {
                errors["password"] = ["The password is required."];
            }

            return (null, TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "Invalid sign-in request" }));
        }

        if (throttle.IsBlocked(request.UserName))
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed sign-ins", detail: "Wait a minute and try again."));
        }

        var account = store.Verify(request.UserName, request.Password);
        if (account is null)
        {
            throttle.RecordFailure(request.UserName);
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: "Unknown user name or wrong password."));
        }

        return (account, null);
    }

    private static IResult SignInPage(HttpContext context, IAntiforgery antiforgery, [FromQuery] string? returnUrl) =>
        Page(context, antiforgery, returnUrl, error: null, StatusCodes.Status200OK);

    private static async Task<IResult> SignIn(
        HttpContext context,
        IAntiforgery antiforgery,
        ILocalAccountStore store,
        SignInThrottle throttle,
        IOptions<IdentityOptions> options,
        [FromForm] string? userName,
        [FromForm] string? password,
        [FromForm] string? returnUrl)
    {
        if (options.Value.Mode != IdentityMode.Local)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Local sign-in is disabled");
        }

        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return Page(context, antiforgery, returnUrl, "Enter your user name and password.", StatusCodes.Status400BadRequest);
        }

        if (throttle.IsBlocked(userName))
        {
            return Page(context, antiforgery, returnUrl, "Too many failed sign-ins; wait a minute.", StatusCodes.Status429TooManyRequests);
        }

        var account = store.Verify(userName, password);
        if (account is null)
        {
            throttle.RecordFailure(userName);
            return Page(context, antiforgery, returnUrl, "Unknown user name or wrong password.", StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            LocalTokenService.CreatePrincipal(account, CookieAuthenticationDefaults.AuthenticationScheme));
        return Results.Redirect(IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }

    /// <summary>Only same-site paths: an open redirect would let a phishing link bounce through our sign-in.</summary>
    internal static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var enc = (string? s) => WebUtility.HtmlEncode(s ?? "");
        var errorHtml = error is null ? "" : $"<p class=\"error\" role=\"alert\">{enc(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in · ProcurementFlows</title>
              <style>
                body { font-family: system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; background: #f4f5f7; }
                form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); width: min(22rem, 90vw); }
                label { display: block; margin-top: 1rem; }
                input { width: 100%; padding: .5rem; box-sizing: border-box; }
                button { margin-top: 1.5rem; width: 100%; padding: .6rem; }
                .error { color: #a00; }
              </style>
            </head>
            <body>
              <form method="post" action="{{SignInPath}}">
                <h1>ProcurementFlows</h1>
                {{errorHtml}}
                <input type="hidden" name="{{enc(tokens.FormFieldName)}}" value="{{enc(tokens.RequestToken)}}">
                <input type="hidden" name="returnUrl" value="{{enc(returnUrl)}}">
                <label for="userName">User name</label>
                <input id="userName" name="userName" autocomplete="username" required autofocus>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}

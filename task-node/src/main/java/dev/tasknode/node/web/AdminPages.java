package dev.tasknode.node.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * The Admin page's HTML entry points. The page itself is static ({@code static/admin/}); the sign-in form is
 * rendered here because it must carry the CSRF token. Spring Security handles the POST to /login.
 */
@Controller
class AdminPages {
    /** The page; /admin/runs/{id} is the same page showing that run (a link to share). */
    @GetMapping({"/admin", "/admin/", "/admin/runs/{id}"})
    String index() {
        return "forward:/admin/index.html";
    }

    @GetMapping(path = "/login", produces = MediaType.TEXT_HTML_VALUE)
    @ResponseBody
    String login(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        String notice = "";
        if (request.getParameter("error") != null) {
            notice = "<p class=\"notice error\" role=\"alert\" id=\"login-error\">Wrong user name or password.</p>";
        } else if (request.getParameter("logout") != null) {
            notice = "<p class=\"notice\" role=\"status\">You are signed out.</p>";
        }
        String hidden = csrf == null ? "" : "<input type=\"hidden\" name=\"" + HtmlUtils.htmlEscape(csrf.getParameterName())
                + "\" value=\"" + HtmlUtils.htmlEscape(csrf.getToken()) + "\">";
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in · tasknode admin</title>
                <link rel="icon" href="/admin/favicon.svg">
                <link rel="stylesheet" href="/admin/admin.css">
                </head>
                <body class="login">
                <main class="login-box">
                <h1><span class="logo" aria-hidden="true">▣</span> tasknode admin</h1>
                %s
                <form method="post" action="/login">
                <label for="username">User name</label>
                <input id="username" name="username" autocomplete="username" required autofocus>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                %s
                <button type="submit" id="sign-in" class="primary">Sign in</button>
                </form>
                </main>
                </body>
                </html>
                """.formatted(notice, hidden);
    }
}

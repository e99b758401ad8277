package dev.tasknode.node.web;

import dev.tasknode.contracts.tasks.TaskNames;
import dev.tasknode.contracts.tasks.TaskParams;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Sign-in for the Admin page. The filter chain matches only {@code /admin/**}, {@code /login} and
 * {@code /logout}: every other path (the actuator's health and prometheus endpoints, which probes and
 * Prometheus scrape without credentials) is served exactly as without Spring Security.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class AdminSecurity {
    private static final Logger log = LoggerFactory.getLogger(AdminSecurity.class);
    public static final String ADMIN = "ADMIN";
    public static final String OPERATOR = "OPERATOR";
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    /** Self-contained pages: no inline script or style, nothing from another origin, never framed. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain adminFilterChain(HttpSecurity http) throws Exception {
        RequestMatcher api = PathPatternRequestMatcher.withDefaults().matcher("/admin/api/**");
        AuthenticationEntryPoint unauthorized = new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED);
        AuthenticationEntryPoint toLogin = new LoginUrlAuthenticationEntryPoint("/login");
        // only pages are remembered for after sign-in, never the page's own JSON calls (a poll that got a 401
        // would otherwise replace the shared /admin/runs/{id} link someone opened)
        org.springframework.security.web.savedrequest.HttpSessionRequestCache pages =
                new org.springframework.security.web.savedrequest.HttpSessionRequestCache();
        pages.setRequestMatcher(new org.springframework.security.web.util.matcher.NegatedRequestMatcher(api));
        http.securityMatcher("/admin", "/admin/**", "/login", "/logout")
                .requestCache(c -> c.requestCache(pages))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login", "/admin/admin.css", "/admin/favicon.svg").permitAll()
                        .anyRequest().hasAnyRole(ADMIN, OPERATOR))
                // after sign-in, back to the page that was asked for (a shared /admin/runs/{id} link)
                .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/admin/", false).failureUrl("/login?error"))
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                // the page's JSON calls get a 401 (the script says "signed out") instead of the login page's HTML
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) ->
                        (api.matches(req) ? unauthorized : toLogin).commence(req, res, ex)))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP)));
        // CSRF stays on (Spring Security's default, session-held token): the login form carries it, the
        // page's script sends it as a header (AdminApi.me hands it over).
        return http.build();
    }

    @Bean
    PasswordEncoder adminPasswordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    InMemoryUserDetailsManager adminUsers(AdminProperties props) {
        List<UserDetails> users = new ArrayList<>();
        for (AdminProperties.User u : props.getUsers()) {
            users.add(user(u.getName(), u.getPassword(), u.getRoles()));
        }
        if (props.isDevUsers()) {
            log.warn("tasknode.admin.dev-users is on: admin/admin and operator/operator can sign in to /admin. "
                    + "Development only: never enable it on a reachable deployment.");
            BCryptPasswordEncoder enc = new BCryptPasswordEncoder();
            users.add(user("admin", enc.encode("admin"), List.of(ADMIN)));
            users.add(user("operator", enc.encode("operator"), List.of(OPERATOR)));
        }
        if (users.isEmpty()) {
            log.info("no tasknode.admin.users configured: the Admin page (/admin) accepts no sign-in");
        }
        return new InMemoryUserDetailsManager(users);
    }

    private static UserDetails user(String name, String hash, List<String> roles) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tasknode.admin.users[].name is required");
        }
        String h = hash == null ? "" : hash.strip();
        if (h.startsWith("{bcrypt}")) {
            h = h.substring("{bcrypt}".length());
        }
        if (!BCRYPT.matcher(h).matches()) {
            // never echo the value: it might be a plain-text password
            throw new IllegalArgumentException("tasknode.admin.users[" + name + "].password must be a bcrypt hash "
                    + "($2a$/$2b$/$2y$…), e.g. from: htpasswd -bnBC 12 \"\" 'the password' | tr -d ':\\n'");
        }
        Set<String> rs = new LinkedHashSet<>();
        for (String r : roles == null ? List.<String>of() : roles) {
            String role = r.strip().toUpperCase(Locale.ROOT);
            if (!role.equals(ADMIN) && !role.equals(OPERATOR)) {
                throw new IllegalArgumentException("tasknode.admin.users[" + name + "].roles: unknown role '" + r
                        + "'; accepted: ADMIN, OPERATOR");
            }
            rs.add(role);
        }
        if (rs.contains(ADMIN)) {
            rs.add(OPERATOR); // ADMIN may do everything OPERATOR may
        }
        if (rs.isEmpty()) {
            throw new IllegalArgumentException("tasknode.admin.users[" + name + "].roles is empty; accepted: ADMIN, OPERATOR");
        }
        return User.withUsername(name).password(h).roles(rs.toArray(String[]::new)).build();
    }

    static boolean hasRole(Authentication auth, String role) {
        if (auth == null) {
            return false;
        }
        for (GrantedAuthority a : auth.getAuthorities()) {
            if (("ROLE_" + role).equals(a.getAuthority())) {
                return true;
            }
        }
        return false;
    }

    /** Roles of the signed-in user, without Spring's ROLE_ prefix. */
    static List<String> roles(Authentication auth) {
        return auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).toList();
    }

    /** The role a run needs: restoring and destructive migrations are for admins, everything else for operators. */
    static String requiredRole(TaskParams params) {
        return switch (params.task()) {
            case TaskNames.RESTORE_DATABASE -> ADMIN;
            case TaskNames.APPLY_MIGRATIONS -> params.flag("allow_destructive") ? ADMIN : OPERATOR;
            default -> OPERATOR;
        };
    }
}

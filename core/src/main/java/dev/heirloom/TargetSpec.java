package dev.heirloom;

import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Placement;
import dev.heirloom.policy.Site;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A configured target. Medium and site are the user's statement, never guessed from the URI.
 * {@link #toString()} omits option values, which may be secrets.
 *
 * @param name    short unique name ({@code usb}, {@code cloud}): letters, digits, {@code . _ -}
 * @param uri     where the repository lives, e.g. {@code file:///media/usb/heirloom}
 * @param medium  kind of medium
 * @param site    onsite or offsite
 * @param options provider options
 * @param offline whether the medium is disconnected between backups (a USB disk in a drawer): such a
 *                copy is out of reach of a mistake or ransomware, which the 3-2-1-1-0 rule counts
 */
public record TargetSpec(String name, URI uri, Medium medium, Site site, Map<String, String> options, boolean offline) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Requires name, URI, medium and site; a name of 1-64 safe characters, and no password in the URI. */
    public TargetSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(medium, "medium");
        Objects.requireNonNull(site, "site");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("target name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (carriesPassword(uri)) {
            // said without the URI: it holds the password
            throw new IllegalArgumentException("target " + name + ": the URI carries a password; put it in the "
                    + "'password' option (from ${env:NAME}), never in the URI");
        }
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException("target " + name + ": URI has no scheme: " + uri);
        }
        options = Map.copyOf(options);
    }

    /** A target that stays connected. */
    public TargetSpec(String name, URI uri, Medium medium, Site site, Map<String, String> options) {
        this(name, uri, medium, site, options, false);
    }

    /** Whether the URI's authority holds {@code user:password@}, whether or not Java parsed a host out of it. */
    private static boolean carriesPassword(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            String ssp = uri.getRawSchemeSpecificPart();
            authority = ssp != null && ssp.startsWith("//") ? ssp.substring(2).split("/", 2)[0] : null;
        }
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        return at > 0 && authority.substring(0, at).contains(":");
    }

    /** Where this target keeps copies, as the policy counts them. */
    public Placement placement() {
        return new Placement(name, medium, site, offline);
    }

    @Override
    public String toString() {
        return "TargetSpec[name=" + name + ", uri=" + uri + ", medium=" + medium.label() + ", site=" + site.label()
                + ", options=" + new java.util.TreeSet<>(options.keySet()) + (offline ? ", offline" : "") + "]";
    }
}

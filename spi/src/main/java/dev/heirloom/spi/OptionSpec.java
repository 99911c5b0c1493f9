package dev.heirloom.spi;

import java.util.Objects;

/**
 * One option a provider accepts in {@link TargetConfig#options()}, so that configuration files,
 * the CLI and documentation can be checked and generated from the provider itself.
 *
 * @param name        option name as written in configuration (camelCase)
 * @param description one line for help output
 * @param required    whether the target cannot be opened without it
 * @param secret      whether the value is a credential: never logged, printed or put in a message
 */
public record OptionSpec(String name, String description, boolean required, boolean secret) {
    /** Checks that name and description are given. */
    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }

    /** An optional option whose value is not secret. */
    public static OptionSpec optional(String name, String description) {
        return new OptionSpec(name, description, false, false);
    }

    /** An optional option holding a credential: never logged, printed or put in a message. */
    public static OptionSpec secret(String name, String description) {
        return new OptionSpec(name, description, false, true);
    }
}

package dev.heirloom.repository;

import dev.heirloom.spi.InvalidConfigException;

/**
 * The secret given for an encrypted repository opens none of its key slots. A configuration error:
 * nothing was read from the repository or written to it. The message never holds the secret.
 */
public class WrongPassphraseException extends InvalidConfigException {
    /** @param message what to do about it, never the secret */
    public WrongPassphraseException(String message) {
        super(message);
    }
}

package dev.heirloom.cli;

import dev.heirloom.Heirloom;
import dev.heirloom.repository.Encryption;
import dev.heirloom.repository.KeySlots;
import dev.heirloom.spi.InvalidConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code heirloom key}: the passphrases of an encrypted target. The repository is opened with the
 * configured secret; a new one comes from an environment variable, a key file or the terminal, never
 * from the command line (where other users and the shell's history would see it).
 */
@Command(name = "key", description = "List, add, remove or change the passphrases (key slots) of an encrypted target. "
        + "A change rewrites no photo: each passphrase wraps the same repository key.")
final class KeyCommand extends HeirloomCli.Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "list, add, remove or passwd")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "the key slot to remove")
    String id;

    @Option(names = {"-t", "--target"}, paramLabel = "NAME", required = true, description = "the encrypted target")
    String target;

    @Option(names = "--new-passphrase-env", paramLabel = "VAR",
            description = "take the new passphrase from this environment variable (else it is asked twice on the terminal)")
    String newPassphraseEnv;

    @Option(names = "--new-key-file", paramLabel = "FILE", description = "take the new secret from this file")
    Path newKeyFile;

    @Override
    public Integer call() {
        if (!java.util.Set.of("list", "add", "remove", "passwd").contains(action)) {
            throw new InvalidConfigException("key: the action is list, add, remove or passwd, not '" + action + "'");
        }
        if (action.equals("remove") == (id == null)) {
            throw new InvalidConfigException(action.equals("remove") ? "key remove: give the id of the slot to remove "
                    + "(see heirloom key list)" : "key " + action + ": takes no id");
        }
        try (Heirloom h = open()) {
            chosen(h, target);
            KeySlots slots = h.repository(target).keySlots();
            Map<String, Object> result = new LinkedHashMap<>();
            switch (action) {
                case "add" -> result.put("added", slots.add(newSecret()));
                case "remove" -> {
                    if (id.equals(slots.openedWith())) {
                        throw new InvalidConfigException("key slot " + id + " is the one the configured secret opens; "
                                + "use 'heirloom key passwd' to replace it, or configure another passphrase first");
                    }
                    slots.remove(id);
                    result.put("removed", id);
                }
                case "passwd" -> {
                    String old = slots.openedWith();
                    String added = slots.add(newSecret());
                    result.put("added", added);
                    try {
                        slots.remove(old);
                    } catch (dev.heirloom.spi.ObjectLockedException e) {
                        throw new dev.heirloom.spi.ObjectLockedException(target + ": added key slot " + added + " for the "
                                + "new passphrase, which opens the repository now; but " + e.getMessage(), e);
                    }
                    result.put("removed", old);
                }
                default -> { }
            }
            result.put("slots", slots.list());
            if (json) {
                Output.json(out(), name(), result);
            } else {
                if (result.containsKey("added")) {
                    out().println(target + ": added key slot " + result.get("added"));
                }
                if (result.containsKey("removed")) {
                    out().println(target + ": removed key slot " + result.get("removed"));
                }
                for (KeySlots.Info slot : slots.list()) {
                    out().printf(Locale.ROOT, "%s  %s  added %s%s%n", target, slot.id(), slot.created(),
                            slot.opened() ? "  (the configured secret)" : "");
                }
                if (action.equals("passwd")) {
                    out().println("Put the new passphrase in the configuration (or its environment) before the next run.");
                }
            }
            return HeirloomCli.OK;
        }
    }

    private Encryption newSecret() {
        if (newPassphraseEnv != null && newKeyFile != null) {
            throw new InvalidConfigException("give --new-passphrase-env or --new-key-file, not both");
        }
        if (newKeyFile != null) {
            return Encryption.keyFile(newKeyFile);
        }
        if (newPassphraseEnv != null) {
            String value = System.getenv(newPassphraseEnv);
            if (value == null || value.isEmpty()) {
                throw new InvalidConfigException("--new-passphrase-env: the environment variable " + newPassphraseEnv
                        + " is not set");
            }
            return Encryption.passphrase(value);
        }
        Console console = System.console();
        if (console == null) {
            throw new InvalidConfigException("no terminal to ask the new passphrase on: give --new-passphrase-env VAR "
                    + "or --new-key-file FILE");
        }
        char[] first = console.readPassword("New passphrase for target %s: ", target);
        char[] second = console.readPassword("The same again: ");
        try {
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new InvalidConfigException("the two passphrases differ; nothing was changed");
            }
            return Encryption.passphrase(new String(first));
        } finally {
            if (first != null) {
                Arrays.fill(first, ' ');
            }
            if (second != null) {
                Arrays.fill(second, ' ');
            }
        }
    }
}

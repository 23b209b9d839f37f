package dev.echoid.admin;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Usage errors (status 2) as picocli reports them, except that an unexpected argument is never echoed: it may be
 * a password typed where none is accepted ({@code user create ada --password s3cret}), and stderr ends up in logs.
 * Unknown option names are named, without any {@code =value}.
 */
final class UsageErrors implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(e instanceof UnmatchedArgumentException unmatched ? describe(unmatched.getUnmatched())
                : e.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(e, err)) {
            command.usage(err, command.getColorScheme());
        }
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    static String describe(List<String> unmatched) {
        List<String> options = unmatched.stream().filter(word -> word.startsWith("-"))
                .map(word -> "'" + word.split("=", 2)[0] + "'").toList();
        long others = unmatched.size() - options.size();
        StringBuilder message = new StringBuilder();
        if (!options.isEmpty()) {
            message.append(options.size() == 1 ? "Unknown option: " : "Unknown options: ")
                    .append(String.join(", ", options));
        }
        if (others > 0) {
            message.append(message.length() == 0 ? "" : "; ").append("Unmatched argument")
                    .append(others == 1 ? "" : "s").append(" (").append(others).append(", not repeated here)");
        }
        return message.append(". Passwords and secrets are never taken from the command line.").toString();
    }
}

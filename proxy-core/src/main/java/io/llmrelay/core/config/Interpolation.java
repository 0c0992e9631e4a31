package io.llmrelay.core.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in a config value, from the environment; {@code $$} is
 * a literal dollar, and a {@code $} followed by anything else stays as written. A variable that is
 * not set and has no default is an error, so a typo cannot turn into an empty value unseen.
 */
final class Interpolation {

    static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;

    Interpolation(Map<String, String> env) {
        this.env = env;
    }

    /** The value with its variables replaced; an {@link IllegalArgumentException} says what is wrong. */
    String apply(String text) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c == '$' && next == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && next == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("'${' is not closed with '}' (write $$ for a literal dollar)");
                }
                out.append(variable(text.substring(i + 2, close)));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String variable(String inside) {
        int dash = inside.indexOf(":-");
        String name = dash < 0 ? inside : inside.substring(0, dash);
        if (!VARIABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'${" + inside + "}' does not name an environment variable "
                    + "(letters, digits and _; write $$ for a literal dollar)");
        }
        String value = env.get(name);
        if (dash >= 0 && (value == null || value.isEmpty())) {
            return inside.substring(dash + 2);
        }
        if (value == null) {
            throw new IllegalArgumentException("environment variable " + name + " is not set (write ${" + name
                    + ":-default} to give a default)");
        }
        return value;
    }
}

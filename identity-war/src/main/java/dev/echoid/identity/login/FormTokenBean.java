package dev.echoid.identity.login;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** Gives the pages their form's token ({@code #{formToken.value}} in a hidden {@code form_token} field). */
@Named("formToken")
@RequestScoped
public class FormTokenBean {

    public String getValue() {
        return FormTokens.expected(SignInCompletion.provider(), SignInCompletion.request()).orElse("");
    }
}

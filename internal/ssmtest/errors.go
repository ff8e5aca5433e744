package ssmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an error response of the service.
type apiError struct {
	status  int
	code    string
	message string
}

func writeError(w http.ResponseWriter, e *apiError) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.code, e.message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

func validation(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ValidationException", message: fmt.Sprintf(format, args...)}
}

func notFound(name string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ParameterNotFound",
		message: fmt.Sprintf("Parameter %s not found.", name)}
}

func versionNotFound(name, selector string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ParameterVersionNotFound",
		message: fmt.Sprintf("Systems Manager could not find version %s of %s. Verify the version and try again.",
			selector, name)}
}

func badRequest(code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, args...)}
}

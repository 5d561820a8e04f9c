/*
 * A minimal stand-in for the mupen64plus core, so that the
 * mupen64plus-rsp-z64 plugin can be started outside an emulator.
 *
 * Plugins receive the core's library handle in PluginStartup and look up
 * the configuration API in it. Every lookup here succeeds; parameters have
 * their defaults, and every boolean parameter reads as false, so the plugin
 * never hands display or audio lists to a (missing) high-level plugin.
 *
 * Built by n64c.sim.z64 into a shared library next to the runner.
 */

#include <stddef.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef void *m64p_handle;

enum {
    M64ERR_SUCCESS = 0,
    M64ERR_INPUT_NOT_FOUND = 5,
};

enum {
    M64TYPE_INT = 1,
    M64TYPE_FLOAT = 2,
    M64TYPE_BOOL = 3,
    M64TYPE_STRING = 4,
};

/* The parameter-set version every known plugin of this family expects. */
static const float CONFIG_PARAM_VERSION = 1.0f;

static int section_token;

EXPORT int ConfigListSections(void *context, void (*callback)(void *, const char *))
{
    (void)context;
    (void)callback;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigOpenSection(const char *name, m64p_handle *handle)
{
    (void)name;
    if (handle != NULL)
        *handle = &section_token;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigListParameters(m64p_handle handle, void *context,
                                void (*callback)(void *, const char *, int))
{
    (void)handle;
    (void)context;
    (void)callback;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigHasUnsavedChanges(const char *name)
{
    (void)name;
    return 0;
}

EXPORT int ConfigDeleteSection(const char *name)
{
    (void)name;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigSaveFile(void) { return M64ERR_SUCCESS; }

EXPORT int ConfigSaveSection(const char *name)
{
    (void)name;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigRevertChanges(const char *name)
{
    (void)name;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigSetParameter(m64p_handle handle, const char *name, int type,
                              const void *value)
{
    (void)handle;
    (void)name;
    (void)type;
    (void)value;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigSetParameterHelp(m64p_handle handle, const char *name,
                                  const char *help)
{
    (void)handle;
    (void)name;
    (void)help;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigGetParameter(m64p_handle handle, const char *name, int type,
                              void *value, int size)
{
    (void)handle;
    if (value == NULL || size <= 0)
        return M64ERR_INPUT_NOT_FOUND;
    memset(value, 0, (size_t)size);
    if (type == M64TYPE_FLOAT && name != NULL && strcmp(name, "Version") == 0
        && size >= (int)sizeof(float))
        memcpy(value, &CONFIG_PARAM_VERSION, sizeof(float));
    return M64ERR_SUCCESS;
}

EXPORT int ConfigGetParameterType(m64p_handle handle, const char *name, int *type)
{
    (void)handle;
    (void)name;
    if (type != NULL)
        *type = M64TYPE_BOOL;
    return M64ERR_SUCCESS;
}

EXPORT const char *ConfigGetParameterHelp(m64p_handle handle, const char *name)
{
    (void)handle;
    (void)name;
    return "";
}

EXPORT int ConfigSetDefaultInt(m64p_handle handle, const char *name, int value,
                               const char *help)
{
    (void)handle;
    (void)name;
    (void)value;
    (void)help;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigSetDefaultFloat(m64p_handle handle, const char *name, float value,
                                 const char *help)
{
    (void)handle;
    (void)name;
    (void)value;
    (void)help;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigSetDefaultBool(m64p_handle handle, const char *name, int value,
                                const char *help)
{
    (void)handle;
    (void)name;
    (void)value;
    (void)help;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigSetDefaultString(m64p_handle handle, const char *name,
                                  const char *value, const char *help)
{
    (void)handle;
    (void)name;
    (void)value;
    (void)help;
    return M64ERR_SUCCESS;
}

EXPORT int ConfigGetParamInt(m64p_handle handle, const char *name)
{
    (void)handle;
    (void)name;
    return 0;
}

EXPORT float ConfigGetParamFloat(m64p_handle handle, const char *name)
{
    (void)handle;
    if (name != NULL && strcmp(name, "Version") == 0)
        return CONFIG_PARAM_VERSION;
    return 0.0f;
}

/* False for every flag: no high-level emulation, plain microcode only. */
EXPORT int ConfigGetParamBool(m64p_handle handle, const char *name)
{
    (void)handle;
    (void)name;
    return 0;
}

EXPORT const char *ConfigGetParamString(m64p_handle handle, const char *name)
{
    (void)handle;
    (void)name;
    return "";
}

EXPORT const char *ConfigGetSharedDataFilepath(const char *name)
{
    (void)name;
    return NULL;
}

EXPORT const char *ConfigGetUserConfigPath(void) { return "/nonexistent"; }

EXPORT const char *ConfigGetUserDataPath(void) { return "/nonexistent"; }

EXPORT const char *ConfigGetUserCachePath(void) { return "/nonexistent"; }

EXPORT int CoreDoCommand(int command, int param, void *data)
{
    (void)command;
    (void)param;
    (void)data;
    return M64ERR_SUCCESS;
}

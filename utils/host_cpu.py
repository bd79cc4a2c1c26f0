"""The CPU a benchmark ran on, as bench/ prints it: the model name and,
on x86, the family and model numbers. VMs often report a bare "AMD EPYC";
family 25 is Zen 3/4 and family 26 Zen 5, whose 512-bit units and cache
layout differ enough to change which kernel wins (shared/NOTES.md)."""


def describe():
    fields = {}
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if not line.strip():
                break  # the first processor is enough
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    name = fields.get("model name", "unknown CPU")
    if "cpu family" in fields and "model" in fields:
        return "%s (family %s, model %s)" % (name, fields["cpu family"],
                                             fields["model"])
    return name

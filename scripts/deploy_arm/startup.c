/* startup.c — the least a Cortex-M4 needs to run main() under QEMU's mps2-an386: the vector table
 * (initial stack pointer, reset handler), the FPU switched on (CPACR), .bss cleared, newlib's
 * semihosting streams opened (librdimon), then main() and exit() through semihosting. */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __bss_start__, __bss_end__, __StackTop;
extern int main(void);
extern void initialise_monitor_handles(void);

void Reset_Handler(void);
static void Default_Handler(void) { for (;;) {} }

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))&__StackTop, Reset_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, 0, 0, 0, 0, Default_Handler, Default_Handler, 0, Default_Handler, Default_Handler,
};

void Reset_Handler(void)
{
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20; /* CPACR: full access to CP10 and CP11 (the FPU) */
    __asm volatile("dsb\n isb");
    for (uint32_t *p = &__bss_start__; p < &__bss_end__; p++) *p = 0;
    initialise_monitor_handles();
    exit(main());
}

/* newlib's exit() calls these (crti/crtn are not linked: -nostartfiles) */
void _init(void) {}
void _fini(void) {}

import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { loadLayout, saveLayout, type ColumnLayout } from './column-model';

function storage(): Storage | undefined {
  return typeof localStorage === 'undefined' ? undefined : localStorage;
}

/** The list's column layout (issue 21), read once from localStorage and written on each change. */
export function useColumnLayout(): [ColumnLayout, Dispatch<SetStateAction<ColumnLayout>>] {
  const [layout, setLayout] = useState(() => loadLayout(storage()));
  useEffect(() => saveLayout(storage(), layout), [layout]);
  return [layout, setLayout];
}
